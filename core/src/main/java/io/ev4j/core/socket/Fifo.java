package io.ev4j.core.socket;

import io.ev4j.core.IoSource;
import io.ev4j.core.Loop;
import io.ev4j.core.sys.linux.Errno;
import io.ev4j.core.sys.linux.FifoCalls;
import io.ev4j.core.sys.linux.Syscalls;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;

/// The reading end of a named pipe (FIFO), for an io watcher on a native backend.
///
/// ```java
/// Fifo.create(path, 0600);
/// Fifo fifo = Fifo.openForReading(loop, path);             // returns at once, writer or not
/// new IoWatcher(loop, fifo.source(), Events.READ, (w, e) -> {
///     int n = fifo.read(bytes, 0, bytes.length);           // -1: every writer has gone
/// }).start();
/// ```
///
/// ## Guarantees and caveats
/// - Never blocks: the FIFO is opened non-blocking, so opening does not wait for a writer, and
///   [#read] returns 0 when nothing is there now.
/// - Once a writer has come and every writer has closed, the FIFO reads as end of stream and
///   stays readable (level-triggered, it would be reported on every poll): on `-1`, stop the
///   watcher and [#close()], then open again to wait for the next writer.
/// - Native backends only (`epoll`, `poll`): `java.nio` selects sockets and pipes made by the
///   JDK, not a FIFO opened by path, so on a `nio` loop [#openForReading] throws
///   [UnsupportedOperationException].
/// - Stop every io watcher on [#source()] before [#close()]. Loop thread only.
public final class Fifo implements AutoCloseable {
    private final Syscalls sys;
    private final Path path;
    private final IoSource source;
    private int fd;

    private Fifo(Syscalls sys, Path path, int fd) {
        this.sys = sys;
        this.path = path;
        this.fd = fd;
        this.source = IoSource.fd(fd);
    }

    /// Makes a FIFO at `path` with `permissions` (as for `chmod`, before the umask).
    ///
    /// @throws FileAlreadyExistsException something is at `path` already
    /// @throws IOException                another failure, naming the call, the path and the errno
    /// @throws UnsupportedOperationException not on Linux with native access
    public static void create(Path path, int permissions) throws IOException {
        requireNative("create a FIFO");
        int r = FifoCalls.mkfifo(path.toString(), permissions);
        if (r == -Errno.EEXIST) {
            throw new FileAlreadyExistsException(path.toString(), null, "mkfifo: something is there already");
        }
        if (r < 0) {
            throw Errno.exception("mkfifo", path.toString(), -r);
        }
    }

    /// Opens the FIFO at `path` for reading, without waiting for a writer.
    ///
    /// @throws UnsupportedOperationException the loop's backend does not watch fds (`nio`)
    /// @throws IOException naming `open`, the path and the errno (`ENOENT`, `EACCES`, ...)
    public static Fifo openForReading(Loop loop, Path path) throws IOException {
        if (!loop.watchesFds()) {
            throw new UnsupportedOperationException("the " + loop.backendName() + " backend cannot watch a FIFO "
                    + "(java.nio selects only channels the JDK made); use the epoll or poll backend");
        }
        int fd = FifoCalls.openReadNonBlocking(path.toString());
        if (fd < 0) {
            throw Errno.exception("open", path.toString(), -fd);
        }
        return new Fifo(NativeTcpSocket.syscalls(loop), path, fd);
    }

    private static void requireNative(String what) {
        if (!io.ev4j.core.sys.linux.NativeBackend.isUsableHere()) {
            throw new UnsupportedOperationException("cannot " + what + " here: needs Linux with native access");
        }
    }

    /// What an [io.ev4j.core.IoWatcher] on this FIFO watches ([io.ev4j.core.Events#READ]).
    public IoSource source() {
        return source;
    }

    /// Reads into `dst[offset, offset + length)`: the number of bytes read, `0` when nothing is
    /// there now, `-1` when every writer has closed (or none has come yet and one has gone).
    public int read(byte[] dst, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, dst.length);
        if (fd < 0) {
            throw new IOException("FIFO " + path + " is closed");
        }
        if (length == 0) {
            return 0;
        }
        MemorySegment scratch = sys.ioScratch();
        long n = sys.read(fd, scratch.address(), Math.min(length, Syscalls.IO_SCRATCH_SIZE));
        if (n == -Errno.EAGAIN || n == -Errno.EINTR) {
            return 0;
        }
        if (n < 0) {
            throw Errno.exception("read", path.toString(), (int) -n);
        }
        if (n == 0) {
            return -1;
        }
        MemorySegment.copy(scratch, ValueLayout.JAVA_BYTE, 0, dst, offset, (int) n);
        return (int) n;
    }

    /// The path this FIFO was opened at.
    public Path path() {
        return path;
    }

    /// Closes the reading end (the FIFO itself stays on disk). Idempotent; never throws.
    @Override
    public void close() {
        if (fd >= 0) {
            sys.close(fd);
            fd = -1;
        }
    }
}
