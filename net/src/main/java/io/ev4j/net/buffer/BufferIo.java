package io.ev4j.net.buffer;

import io.ev4j.core.sys.linux.Errno;
import io.ev4j.core.sys.linux.VectorIo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.ScatteringByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;

/// A [Buffer]'s reads and writes: `readv`/`writev`/`sendfile` on descriptors, and the same
/// over channels with the chunks' `ByteBuffer` views. The frozen-end checks are the caller's.
///
/// For descriptors this class prepares the `iovec`s and finishes after the call, while
/// [Buffer#readFrom(int, int)] and [Buffer#writeTo(int, long)] make the `readv`/`writev`
/// themselves: the JDK's errno capture allocates per call unless the JIT inlines the whole
/// downcall into its caller's compilation, and every call level between the loop and the
/// downcall counts against the inlining depth.
final class BufferIo {
    private BufferIo() {
    }

    static int openReadOnly(SegmentChain chain, Path file) throws IOException {
        String path = file.toString();
        int fd = chain.pool.vectorIo().openReadOnly(path);
        if (fd < 0) {
            throw Errno.exception("open", path, -fd);
        }
        return fd;
    }

    /// Links empty chunks after the tail until `maxBytes` of space or [SegmentPool#MAX_IOVECS]
    /// segments; returns the index of the first segment with space.
    static int prepareSpace(Buffer b, int maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be at least 1, got " + maxBytes);
        }
        SegmentChain c = b.chain;
        Segment tail = c.last();
        int first = tail != null && tail.writable() > 0 ? c.count - 1 : c.count;
        long space = first < c.count ? tail.writable() : 0;
        int segments = c.count - first;
        while (space < maxBytes && segments < SegmentPool.MAX_IOVECS) {
            Segment s = c.pool.acquireChunk();
            c.addLast(s); // possibly after an empty tail: commitRead drops what stays empty
            space += s.writable();
            segments++;
        }
        return first;
    }

    /// Adds `n` read bytes to the segments from `first` on, releases the trailing ones still
    /// empty, and notifies.
    private static void commitRead(Buffer b, int first, long n) {
        SegmentChain c = b.chain;
        long orig = c.length;
        long left = n;
        for (int i = first; i < c.count && left > 0; i++) {
            Segment s = c.get(i);
            long k = Math.min(s.writable(), left);
            s.end += k;
            c.length += k;
            left -= k;
        }
        while (c.count > 0 && c.last().length() == 0) {
            c.release(c.removeLast());
        }
        b.finish(orig, n, 0);
    }

    /// [Buffer#readFrom(int, int)] before its `readv`: links space for `maxBytes` and sets an
    /// `iovec` per segment from the returned index to the chain's end.
    static int prepareRead(Buffer b, int maxBytes) {
        int first = prepareSpace(b, maxBytes);
        setReadIovecs(b, first, maxBytes);
        return first;
    }

    /// An `iovec` per segment from `first` to the chain's end, over their free space, up to
    /// `maxBytes` in all.
    static void setReadIovecs(Buffer b, int first, int maxBytes) {
        SegmentChain c = b.chain;
        VectorIo io = c.pool.vectorIo();
        long left = maxBytes;
        int n = 0;
        for (int i = first; i < c.count && left > 0; i++) {
            Segment s = c.get(i);
            long k = Math.min(s.writable(), left);
            io.setIovec(n++, s.memory.address() + s.end, k);
            left -= k;
        }
    }

    /// [Buffer#readFrom(int, int)] after its `call` returned `r` (or `-errno`): commits what
    /// was read, returns it (0 for `EAGAIN`, -1 at end of file) or throws.
    static long finishRead(Buffer b, String call, int first, int fd, long r) throws IOException {
        if (r < 0 && r != -Errno.EAGAIN) {
            commitRead(b, first, 0);
            throw Errno.exception(call, "fd " + fd, (int) -r);
        }
        commitRead(b, first, Math.max(r, 0));
        return r == -Errno.EAGAIN ? 0 : (r == 0 ? -1 : r);
    }

    static long readFrom(Buffer b, ReadableByteChannel channel, int maxBytes) throws IOException {
        int first = prepareSpace(b, maxBytes);
        SegmentChain c = b.chain;
        ByteBuffer[] views = c.pool.views();
        long left = maxBytes;
        int n = 0;
        for (int i = first; i < c.count && left > 0; i++) {
            Segment s = c.get(i);
            int k = (int) Math.min(s.writable(), left);
            views[n++] = s.view().limit((int) s.end + k).position((int) s.end);
            left -= k;
        }
        long r = 0;
        try {
            r = n > 1 && channel instanceof ScatteringByteChannel sc ? sc.read(views, 0, n) : channel.read(views[0]);
        } finally {
            java.util.Arrays.fill(views, 0, n, null);
            commitRead(b, first, Math.max(r, 0));
        }
        return r;
    }

    /// [Buffer#writeTo(int, long)] when a file range comes first: one `sendfile` of it.
    static long sendHead(Buffer b, int fd, long maxBytes) throws IOException {
        Segment head = b.chain.first();
        long k = Math.min(head.length(), maxBytes);
        long r;
        do {
            r = b.chain.pool.vectorIo().sendfile(fd, head.fd, head.start, k);
        } while (r == -Errno.EINTR);
        if (r == 0) {
            throw new java.io.EOFException("file range of fd " + head.fd + " ends at " + head.end
                    + " but the file ends at " + head.start);
        }
        return finishWrite(b, "sendfile", fd, r);
    }

    /// [Buffer#writeTo(int, long)] before its `writev`: an `iovec` per leading memory segment,
    /// up to `maxBytes` and [VectorIo#maxIovecs()]; returns how many.
    static int prepareWrite(SegmentChain c, long maxBytes) {
        VectorIo io = c.pool.vectorIo();
        long left = maxBytes;
        int n = 0;
        for (int i = 0; i < c.count && n < io.maxIovecs() && left > 0; i++) {
            Segment s = c.get(i);
            if (s.kind == Segment.FILE) {
                break;
            }
            long k = Math.min(s.length(), left);
            if (k > 0) {
                io.setIovec(n++, s.memory.address() + s.start, k);
                left -= k;
            }
        }
        return n;
    }

    /// After `call` on `fd` returned `r` (or `-errno`): drains what was written and returns it,
    /// 0 for `EAGAIN`, or throws.
    static long finishWrite(Buffer b, String call, int fd, long r) throws IOException {
        if (r == -Errno.EAGAIN) {
            return 0;
        }
        if (r < 0) {
            throw Errno.exception(call, "fd " + fd, (int) -r);
        }
        drainWritten(b, r);
        return r;
    }

    static long writeTo(Buffer b, WritableByteChannel channel, long maxBytes) throws IOException {
        SegmentChain c = b.chain;
        if (nothingToWrite(c, maxBytes)) {
            return 0;
        }
        Segment head = c.first();
        long r;
        if (head.kind == Segment.FILE) {
            int k = (int) Math.min(c.window.fill(head, head.start), maxBytes);
            int at = (int) c.window.index(head.start);
            r = channel.write(c.window.view().limit(at + k).position(at));
        } else {
            ByteBuffer[] views = c.pool.views();
            long left = maxBytes;
            int n = 0;
            for (int i = 0; i < c.count && n < views.length && left > 0; i++) {
                Segment s = c.get(i);
                if (s.kind == Segment.FILE) {
                    break;
                }
                int k = (int) Math.min(s.length(), left);
                if (k > 0) {
                    views[n++] = s.view().limit((int) s.start + k).position((int) s.start);
                    left -= k;
                }
            }
            try {
                r = n > 1 && channel instanceof GatheringByteChannel gc ? gc.write(views, 0, n) : channel.write(views[0]);
            } finally {
                java.util.Arrays.fill(views, 0, n, null);
            }
        }
        drainWritten(b, r);
        return r;
    }

    static boolean nothingToWrite(SegmentChain c, long maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must not be negative: " + maxBytes);
        }
        return c.length == 0 || maxBytes == 0;
    }

    private static void drainWritten(Buffer b, long n) {
        if (n > 0) {
            long orig = b.chain.length;
            b.chain.dropFront(n);
            b.finish(orig, 0, n);
        }
    }
}
