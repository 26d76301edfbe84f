package io.ev4j.net.buffer;

import io.ev4j.core.sys.linux.Errno;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Objects;

/// A chain of native memory segments holding bytes in order.
///
/// ```java
/// try (SegmentPool pool = new SegmentPool(); Buffer in = new Buffer(pool); Buffer out = new Buffer(pool)) {
///     in.readFrom(fd, 64 * 1024);               // readv straight into the chain
///     byte[] line;
///     while ((line = in.readLine(EolStyle.CRLF)) != null) {
///         out.append(line);                     // copies into pooled chunks
///         out.append(CRLF);
///     }
///     out.writeTo(fd, Long.MAX_VALUE);          // writev from the chain, drains what was written
/// }
/// ```
///
/// ## Guarantees
/// - **One owner, no reference counts, not thread-safe.** A buffer, its [SegmentPool] and the
///   other buffers of that pool are used by one thread at a time. Moving bytes between buffers
///   ([#append(Buffer)], [#prepend(Buffer)], [#remove(Buffer, long)]) needs both on the same
///   pool and moves whole segments without copying; only a segment cut in two is copied.
/// - **Segments** are pooled chunks (appends copy into them), read-only references to memory
///   the caller lends ([#appendReference]) and file ranges ([#appendFile]). A reference's or
///   a file range's release callback runs exactly once, when its last byte is drained or
///   written, or when the buffer is cleared or closed. If it throws, the operation still
///   completes and then throws the first such exception.
/// - **Sockets**: [#receiveFrom(int, int)] and [#sendTo(int, long)] are [#readFrom(int, int)]
///   and [#writeTo(int, long)] for a connected stream socket: one segment goes through `recv`
///   or `send`, which skip the kernel's file layer that `readv` and `writev` pass through.
/// - **File ranges** are written with `sendfile` by [#writeTo(int, long)]. Every other read
///   of their bytes ([#copyOut], [#peek], [#getByte], [#indexOf], [#readLine], moving part of
///   one, writing to a channel) reads the file with `pread` into one pooled chunk kept by the
///   buffer; those methods then throw [java.io.UncheckedIOException] if the file cannot be
///   read or is shorter than the range.
/// - **Frozen ends** ([#freezeStart], [#freezeEnd]): removing or prepending needs the start,
///   appending, committing and reading from a descriptor need the end; otherwise a
///   [FrozenBufferException].
/// - **Listeners** ([#addListener]) run after each operation that changed the contents.
/// - **No allocation** per call in the steady state for [#append(ByteBuffer)], the byte-array
///   appends, [#drain], [#remove(Buffer, long)], [#readFrom(int, int)] and
///   [#writeTo(int, long)]: chunks and segment records come back from the pool (the JDK's
///   errno capture of a downcall may cost a small slice until the JIT inlines it).
/// - [#close()] releases everything as [#clear()] does, without telling listeners; the buffer
///   may be used again afterwards. Forgetting to close a buffer leaks its chunks from the pool
///   (visible in [SegmentPool#outstanding()]) until the pool is unreachable.
public final class Buffer implements AutoCloseable {
    private static final BufferListener[] NO_LISTENERS = {};

    final SegmentChain chain;
    private boolean startFrozen;
    private boolean endFrozen;
    private BufferListener[] listeners = NO_LISTENERS;
    private long changes;
    private Segment reserved;
    private long reservedEnd;
    private long reservedChanges;

    /// An empty buffer taking its chunks from `pool`.
    public Buffer(SegmentPool pool) {
        chain = new SegmentChain(Objects.requireNonNull(pool, "pool"));
    }

    /// The pool this buffer's chunks come from.
    public SegmentPool pool() {
        return chain.pool;
    }

    /// Bytes in the buffer (file ranges included).
    public long length() {
        return chain.length;
    }

    /// True if [#length()] is 0.
    public boolean isEmpty() {
        return chain.length == 0;
    }

    /// Segments in the chain (for diagnostics and tests).
    public int segmentCount() {
        return chain.count;
    }

    // ---------------------------------------------------------------- appending (copies)

    /// Appends a copy of `src`.
    public void append(byte[] src) {
        append(src, 0, src.length);
    }

    /// Appends a copy of `src[offset, offset + length)`.
    public void append(byte[] src, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, src.length);
        copyIn(src, null, null, offset, length);
    }

    /// Appends a copy of `src`'s remaining bytes and advances its position to its limit.
    public void append(ByteBuffer src) {
        int n = src.remaining();
        copyIn(null, src, null, src.position(), n);
        src.position(src.limit());
    }

    /// Appends a copy of all of `src` (heap or native).
    public void append(MemorySegment src) {
        copyIn(null, null, src, 0, src.byteSize());
    }

    /// Appends one byte (the low 8 bits of `b`).
    public void appendByte(int b) {
        checkEnd("append");
        long orig = chain.length;
        Segment tail = chain.writableTail();
        tail.memory.set(java.lang.foreign.ValueLayout.JAVA_BYTE, tail.end++, (byte) b);
        chain.length++;
        finish(orig, 1, 0);
    }

    private void copyIn(byte[] array, ByteBuffer buffer, MemorySegment segment, long from, long n) {
        checkEnd("append");
        long orig = chain.length;
        chain.copyIn(array, buffer, segment, from, n);
        finish(orig, n, 0);
    }

    // ---------------------------------------------------------------- appending (no copy)

    /// Moves all of `other`'s bytes to the end of this buffer, leaving `other` empty:
    /// O(segments), nothing copied.
    ///
    /// @throws IllegalArgumentException `other` is this buffer or uses another pool
    /// @throws FrozenBufferException    this buffer's end or `other`'s start is frozen
    public void append(Buffer other) {
        checkOther(other);
        checkEnd("append a buffer");
        moveAll(other, false);
    }

    private void moveAll(Buffer other, boolean toFront) {
        other.checkStart("move out of a buffer");
        long n = other.chain.length;
        long orig = chain.length;
        if (toFront) {
            chain.prependAll(other.chain);
        } else {
            chain.appendAll(other.chain);
        }
        try {
            other.finish(n, 0, n);
        } finally {
            finish(orig, n, 0);
        }
    }

    /// Appends a read-only reference to `memory` without copying it.
    /// `release` (may be null) runs exactly once, when the buffer no longer holds any of it;
    /// until then the caller keeps `memory` alive and unchanged. An empty `memory` is released
    /// at once.
    ///
    /// @throws IllegalArgumentException `memory` is not native or is longer than 2^31 - 1 bytes
    public void appendReference(MemorySegment memory, Runnable release) {
        if (!memory.isNative()) {
            throw new IllegalArgumentException("a reference must be native memory; append(MemorySegment) copies heap memory");
        }
        if (memory.byteSize() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a reference holds at most 2^31 - 1 bytes, got " + memory.byteSize());
        }
        checkEnd("append a reference");
        Segment s = chain.pool.acquireRecord(Segment.EXTERNAL);
        s.memory = memory.asReadOnly();
        s.start = 0;
        s.end = memory.byteSize();
        s.release = release;
        linkOrRelease(s);
    }

    /// Appends `length` bytes of the file open as `fd`, from `position`, without reading them:
    /// [#writeTo(int, long)] sends them with `sendfile`. `release` (may be
    /// null; typically closes `fd`) runs exactly once, when the buffer no longer holds any of
    /// them; until then `fd` must stay open.
    ///
    /// @throws IllegalArgumentException a negative argument
    public void appendFile(int fd, long position, long length, Runnable release) {
        if (fd < 0 || position < 0 || length < 0 || position + length < 0) {
            throw new IllegalArgumentException("bad file range: fd " + fd + ", position " + position + ", length " + length);
        }
        checkEnd("append a file range");
        Segment s = chain.pool.acquireRecord(Segment.FILE);
        s.fd = fd;
        s.start = position;
        s.end = position + length;
        s.release = release;
        linkOrRelease(s);
    }

    /// Opens `file` read-only and appends `length` bytes of it from `position`, as
    /// [#appendFile(int, long, long, Runnable)] with a release that closes the descriptor.
    ///
    /// @throws IOException the file cannot be opened (an [io.ev4j.core.ErrnoException])
    public void appendFile(Path file, long position, long length) throws IOException {
        if (position < 0 || length < 0) {
            throw new IllegalArgumentException("bad file range: position " + position + ", length " + length);
        }
        checkEnd("append a file range");
        int fd = BufferIo.openReadOnly(chain, file);
        appendFile(fd, position, length, () -> chain.pool.syscalls().close(fd));
    }

    private void linkOrRelease(Segment s) {
        long orig = chain.length;
        long n = s.length();
        chain.linkLast(s);
        finish(orig, n, 0);
    }

    // ---------------------------------------------------------------- prepending

    /// Puts a copy of `src` before the first byte.
    public void prepend(byte[] src) {
        prepend(src, 0, src.length);
    }

    /// Puts a copy of `src[offset, offset + length)` before the first byte, using free space
    /// before the first chunk's data when there is some (after a drain), else new chunks.
    public void prepend(byte[] src, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, src.length);
        copyInFront(src, null, offset, length);
    }

    /// Puts a copy of `src`'s remaining bytes before the first byte; advances its position to
    /// its limit.
    public void prepend(ByteBuffer src) {
        int n = src.remaining();
        copyInFront(null, src, src.position(), n);
        src.position(src.limit());
    }

    private void copyInFront(byte[] array, ByteBuffer buffer, int from, int n) {
        checkStart("prepend");
        checkPoolOpen("prepend");
        long orig = chain.length;
        chain.copyInFront(array, buffer, from, n);
        finish(orig, n, 0);
    }

    /// Moves all of `other`'s bytes before this buffer's first byte, leaving `other` empty:
    /// O(segments), nothing copied.
    ///
    /// @throws IllegalArgumentException `other` is this buffer or uses another pool
    /// @throws FrozenBufferException    this buffer's start or `other`'s start is frozen
    public void prepend(Buffer other) {
        checkOther(other);
        checkStart("prepend a buffer");
        moveAll(other, true);
    }

    // ---------------------------------------------------------------- removing

    /// Removes the first `min(n, length())` bytes. Returns how many.
    ///
    /// @throws IllegalArgumentException `n` is negative
    public long drain(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("cannot drain a negative count: " + n);
        }
        checkStart("drain");
        long orig = chain.length;
        long k = Math.min(n, orig);
        chain.dropFront(k);
        finish(orig, 0, k);
        return k;
    }

    /// Removes all bytes, releasing every segment (and running release callbacks).
    public void clear() {
        long orig = chain.length;
        chain.releaseAll();
        finish(orig, 0, orig);
    }

    /// Releases every segment as [#clear()] does, but without telling the listeners, and returns the file window's chunk to the pool. Ignores frozen ends.
    /// The buffer may be used again.
    @Override
    public void close() {
        chain.releaseAll();
        chain.window.release();
        finish(0, 0, 0);
    }

    /// Moves the first `min(n, length())` bytes to the end of `dst`.
    /// Whole segments move without a copy; a segment cut in two is copied into `dst`'s chunks.
    /// Returns how many bytes moved.
    ///
    /// @throws IllegalArgumentException `dst` is this buffer or uses another pool, or `n` < 0
    /// @throws FrozenBufferException    this buffer's start or `dst`'s end is frozen
    public long remove(Buffer dst, long n) {
        checkOther(dst);
        if (n < 0) {
            throw new IllegalArgumentException("cannot remove a negative count: " + n);
        }
        checkStart("remove");
        dst.checkEnd("append a buffer");
        long orig = chain.length;
        long dstOrig = dst.chain.length;
        long k = Math.min(n, orig);
        chain.moveFrontTo(dst.chain, k);
        try {
            finish(orig, 0, k);
        } finally {
            dst.finish(dstOrig, k, 0);
        }
        return k;
    }

    /// Copies up to `length` first bytes into `dst` and drains them.
    /// Returns how many.
    public int read(byte[] dst, int offset, int length) {
        checkStart("read");
        int n = peek(0, dst, offset, length);
        drain(n);
        return n;
    }

    /// Copies first bytes into `dst`'s remaining space (advancing its position) and drains
    /// them. Returns how many.
    public int read(ByteBuffer dst) {
        checkStart("read");
        int n = peek(0, dst);
        drain(n);
        return n;
    }

    // ---------------------------------------------------------------- inspecting

    /// Copies up to `length` first bytes into `dst` without draining.
    /// Returns how many.
    public int copyOut(byte[] dst, int offset, int length) {
        return peek(0, dst, offset, length);
    }

    /// Copies first bytes into `dst`'s remaining space (advancing its position) without
    /// draining. Returns how many.
    public int copyOut(ByteBuffer dst) {
        return peek(0, dst);
    }

    /// Copies up to `length` bytes from byte `offset` on into `dst` without draining:
    /// Returns how many (0 if `offset >= length()`).
    ///
    /// @throws IllegalArgumentException `offset` is negative
    public int peek(long offset, byte[] dst, int dstOffset, int length) {
        Objects.checkFromIndexSize(dstOffset, length, dst.length);
        int n = peekCount(offset, length);
        chain.copyRange(offset, dst, null, null, dstOffset, n);
        return n;
    }

    /// Copies bytes from byte `offset` on into `dst`'s remaining space (advancing its
    /// position) without draining. Returns how many.
    public int peek(long offset, ByteBuffer dst) {
        if (dst.isReadOnly()) {
            throw new java.nio.ReadOnlyBufferException();
        }
        int n = peekCount(offset, dst.remaining());
        chain.copyRange(offset, null, dst, null, dst.position(), n);
        dst.position(dst.position() + n);
        return n;
    }

    private int peekCount(long offset, int want) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative: " + offset);
        }
        return (int) Math.max(0, Math.min(want, chain.length - offset));
    }

    /// The byte at `index` (0 is the first), without draining. O(segments).
    ///
    /// @throws IndexOutOfBoundsException `index` is not in `[0, length())`
    public byte getByte(long index) {
        Objects.checkIndex(index, chain.length);
        chain.locate(index);
        Segment s = chain.get(chain.foundIndex);
        return chain.byteAt(s, s.start + chain.foundOffset);
    }

    /// Where `needle` first occurs at or after byte `from`, across segment boundaries:
    /// -1 if nowhere; an empty needle is found at `from` if
    /// `from <= length()`.
    ///
    /// @throws IllegalArgumentException `from` is negative
    public long indexOf(byte[] needle, long from) {
        return BufferScan.indexOf(chain, needle, from);
    }

    /// Where byte `b` first occurs at or after byte `from`; -1 if nowhere.
    public long indexOf(byte b, long from) {
        return BufferScan.indexOf(chain, b, b, from);
    }

    /// Removes and returns the first line, without its end-of-line bytes.
    /// Null (and nothing removed) if no complete line is there yet. See [EolStyle].
    ///
    /// @throws FrozenBufferException the start is frozen
    public byte[] readLine(EolStyle style) {
        checkStart("read a line");
        long orig = chain.length;
        long lineLength = BufferScan.findLine(chain, style);
        if (lineLength < 0) {
            return null;
        }
        if (lineLength > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("line of " + lineLength + " bytes does not fit a byte[]");
        }
        byte[] line = new byte[(int) lineLength];
        chain.copyRange(0, line, null, null, 0, lineLength);
        long removed = lineLength + chain.eolLength;
        chain.dropFront(removed);
        finish(orig, 0, removed);
        return line;
    }

    /// [#readLine(EolStyle)] decoded with `charset` (malformed input replaced).
    public String readLine(EolStyle style, Charset charset) {
        byte[] line = readLine(style);
        return line == null ? null : new String(line, charset);
    }

    // ---------------------------------------------------------------- reserve and commit

    /// Writable space for at least `minBytes` after the last byte, contiguous, for filling in
    /// place and then [#commit]. The segment returned spans the free
    /// tail of the last chunk (at least `minBytes`, at most a chunk). Any other change of the
    /// buffer before the commit cancels the reservation.
    ///
    /// @throws IllegalArgumentException `minBytes` is not in 1..[SegmentPool#chunkSize()]
    /// @throws FrozenBufferException    the end is frozen
    public MemorySegment reserve(int minBytes) {
        int chunk = chain.pool.chunkSize();
        if (minBytes < 1 || minBytes > chunk) {
            throw new IllegalArgumentException("can reserve 1.." + chunk + " bytes (the chunk size), asked for " + minBytes);
        }
        checkEnd("reserve");
        Segment tail = chain.last();
        if (tail == null || tail.writable() < minBytes) {
            tail = chain.pool.acquireChunk();
            chain.linkLast(tail);
        }
        reserved = tail;
        reservedEnd = tail.end;
        reservedChanges = changes;
        return tail.memory.asSlice(tail.end);
    }

    /// Makes the first `n` bytes of the last [#reserve]d space part of the buffer:
    /// `n` may be 0.
    ///
    /// @throws IllegalStateException    nothing is reserved, or the buffer changed since
    /// @throws IllegalArgumentException `n` is negative or more than was reserved
    public void commit(int n) {
        Segment s = reserved;
        if (s == null || reservedChanges != changes || chain.last() != s || s.end != reservedEnd) {
            throw new IllegalStateException("nothing reserved: reserve() first; any change of the buffer cancels a reservation");
        }
        if (n < 0 || n > s.writable()) {
            throw new IllegalArgumentException("can commit 0.." + s.writable() + " reserved bytes, got " + n);
        }
        checkEnd("commit");
        reserved = null;
        long orig = chain.length;
        s.end += n;
        chain.length += n;
        finish(orig, n, 0);
    }

    // ---------------------------------------------------------------- socket I/O

    /// Reads up to `maxBytes` from non-blocking `fd` with one `readv` straight into the chain
    /// (the last chunk's free space, then new chunks; at most [SegmentPool#MAX_IOVECS]).
    /// Returns bytes read, 0 if none were there (`EAGAIN`), -1 at end of file.
    ///
    /// @throws IOException              the call failed (an [io.ev4j.core.ErrnoException])
    /// @throws IllegalArgumentException `maxBytes` < 1
    /// @throws FrozenBufferException    the end is frozen
    public long readFrom(int fd, int maxBytes) throws IOException {
        checkEnd("read into");
        // the readv is made here, not in a helper: one call level less to the downcall (see BufferIo)
        int first = BufferIo.prepareRead(this, maxBytes);
        long r;
        do {
            r = chain.pool.vectorIo().readv(fd, chain.count - first);
        } while (r == -Errno.EINTR);
        return BufferIo.finishRead(this, "readv", first, fd, r);
    }

    /// Writes up to `maxBytes` first bytes to non-blocking `fd` with one call and drains what
    /// was written: `writev` of the leading memory segments, or `sendfile` if a file range
    /// comes first. Returns bytes written, 0 if the fd was full (`EAGAIN`) or the buffer empty.
    ///
    /// @throws IOException           the call failed (`EPIPE` when the reader is gone)
    /// @throws FrozenBufferException the start is frozen
    public long writeTo(int fd, long maxBytes) throws IOException {
        checkStart("write out of");
        if (BufferIo.nothingToWrite(chain, maxBytes)) {
            return 0;
        }
        if (chain.first().kind == Segment.FILE) {
            return BufferIo.sendHead(this, fd, maxBytes);
        }
        int iovecs = BufferIo.prepareWrite(chain, maxBytes);
        long r;
        do {
            r = chain.pool.vectorIo().writev(fd, iovecs);
        } while (r == -Errno.EINTR);
        return BufferIo.finishWrite(this, "writev", fd, r);
    }

    /// [#readFrom(int, int)] for a connected stream socket: when the space for `maxBytes` is
    /// one segment, as it is for a read of at most one chunk, one `recv` fills it, which skips
    /// the file layer of `read` and `readv` and the `iovec`; else one `readv` as [#readFrom].
    /// Returns bytes read, 0 if none were there, -1 at end of stream.
    ///
    /// @throws IOException              the call failed (`ENOTSOCK` for an fd that is no socket)
    /// @throws IllegalArgumentException `maxBytes` < 1
    /// @throws FrozenBufferException    the end is frozen
    public long receiveFrom(int socketFd, int maxBytes) throws IOException {
        checkEnd("read into");
        // the call is made here, not in a helper: one call level less to the downcall (see BufferIo)
        int first = BufferIo.prepareSpace(this, maxBytes);
        long r;
        String call;
        if (chain.count - first == 1) {
            call = "recv";
            Segment s = chain.get(first);
            do {
                r = chain.pool.vectorIo().recv(socketFd, s.memory.address() + s.end, Math.min(maxBytes, s.writable()));
            } while (r == -Errno.EINTR);
        } else {
            call = "readv";
            BufferIo.setReadIovecs(this, first, maxBytes);
            do {
                r = chain.pool.vectorIo().readv(socketFd, chain.count - first);
            } while (r == -Errno.EINTR);
        }
        return BufferIo.finishRead(this, call, first, socketFd, r);
    }

    /// [#writeTo(int, long)] for a connected stream socket: when what goes out lies in the first
    /// memory segment, one `send` writes it, which skips the file layer of `write` and `writev`
    /// and the `iovec`; else as [#writeTo].
    ///
    /// @throws IOException           the call failed (`EPIPE` when the peer is gone, `ENOTSOCK`
    ///                               for an fd that is no socket)
    /// @throws FrozenBufferException the start is frozen
    public long sendTo(int socketFd, long maxBytes) throws IOException {
        checkStart("write out of");
        if (BufferIo.nothingToWrite(chain, maxBytes)) {
            return 0;
        }
        Segment head = chain.first();
        if (head.kind == Segment.FILE) {
            return BufferIo.sendHead(this, socketFd, maxBytes);
        }
        long r;
        String call;
        if (chain.count == 1 || head.length() >= maxBytes) {
            call = "send";
            do {
                r = chain.pool.vectorIo().send(socketFd, head.memory.address() + head.start, Math.min(head.length(), maxBytes));
            } while (r == -Errno.EINTR);
        } else {
            call = "writev";
            int iovecs = BufferIo.prepareWrite(chain, maxBytes);
            do {
                r = chain.pool.vectorIo().writev(socketFd, iovecs);
            } while (r == -Errno.EINTR);
        }
        return BufferIo.finishWrite(this, call, socketFd, r);
    }

    /// As [#readFrom(int, int)] through a channel (scattering if it is a
    /// [java.nio.channels.ScatteringByteChannel]), for the portable backend: -1 at end of
    /// stream, 0 if a non-blocking channel had nothing.
    public long readFrom(ReadableByteChannel channel, int maxBytes) throws IOException {
        checkEnd("read into");
        return BufferIo.readFrom(this, channel, maxBytes);
    }

    /// As [#writeTo(int, long)] through a channel (gathering if it is a
    /// [java.nio.channels.GatheringByteChannel]); file ranges are read into the buffer's file
    /// window and written from there.
    public long writeTo(WritableByteChannel channel, long maxBytes) throws IOException {
        checkStart("write out of");
        return BufferIo.writeTo(this, channel, maxBytes);
    }

    // ---------------------------------------------------------------- listeners and freezing

    /// Adds `listener`, told after each change. A listener added twice is told twice.
    public void addListener(BufferListener listener) {
        Objects.requireNonNull(listener, "listener");
        BufferListener[] bigger = java.util.Arrays.copyOf(listeners, listeners.length + 1);
        bigger[listeners.length] = listener;
        listeners = bigger;
    }

    /// Removes one registration of `listener`; false if it was not registered.
    public boolean removeListener(BufferListener listener) {
        BufferListener[] ls = listeners;
        for (int i = 0; i < ls.length; i++) {
            if (ls[i] == listener) {
                BufferListener[] smaller = new BufferListener[ls.length - 1];
                System.arraycopy(ls, 0, smaller, 0, i);
                System.arraycopy(ls, i + 1, smaller, i, ls.length - i - 1);
                listeners = smaller;
                return true;
            }
        }
        return false;
    }

    /// Freezes (true) or thaws the start: drains, removals, line reads, writes out and prepends
    /// then throw [FrozenBufferException].
    public void freezeStart(boolean frozen) {
        startFrozen = frozen;
    }

    /// Freezes (true) or thaws the end: appends, reserve, commit and reads in then throw.
    public void freezeEnd(boolean frozen) {
        endFrozen = frozen;
    }

    /// True if the start is frozen.
    public boolean isStartFrozen() {
        return startFrozen;
    }

    /// True if the end is frozen.
    public boolean isEndFrozen() {
        return endFrozen;
    }

    /// Length and segment count; never the contents.
    @Override
    public String toString() {
        return "Buffer[length=" + chain.length + ", segments=" + chain.count + "]";
    }

    // ---------------------------------------------------------------- internals

    void checkStart(String operation) {
        if (startFrozen) {
            throw new FrozenBufferException(operation, true);
        }
    }

    void checkEnd(String operation) {
        if (endFrozen) {
            throw new FrozenBufferException(operation, false);
        }
        checkPoolOpen(operation);
    }

    /// Before anything that may take a chunk: refuse before changing anything.
    private void checkPoolOpen(String operation) {
        if (chain.pool.isClosed()) {
            throw new IllegalStateException("cannot " + operation + ": the buffer's segment pool is closed");
        }
    }

    private void checkOther(Buffer other) {
        if (other == this) {
            throw new IllegalArgumentException("cannot move a buffer's bytes into itself");
        }
        if (other.chain.pool != chain.pool) {
            throw new IllegalArgumentException("cannot move segments between buffers of different pools");
        }
    }

    /// Ends every operation: tells the listeners of a change, then throws the first failure
    /// of a release callback or listener (the others suppressed in it).
    void finish(long originalLength, long added, long removed) {
        RuntimeException failure = chain.takeReleaseFailure();
        if (added != 0 || removed != 0) {
            changes++;
            BufferListener[] ls = listeners;
            for (BufferListener l : ls) {
                try {
                    l.changed(this, originalLength, added, removed);
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
