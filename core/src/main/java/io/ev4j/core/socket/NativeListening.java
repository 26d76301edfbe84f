package io.ev4j.core.socket;

import io.ev4j.core.IoSource;
import io.ev4j.core.Loop;
import io.ev4j.core.sys.linux.Errno;
import io.ev4j.core.sys.linux.Syscalls;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;

/// The family-independent part of a native listening socket: `listen`, `accept4` (so accepted
/// sockets are non-blocking and close-on-exec from the start; connections aborted before they
/// were accepted, `ECONNABORTED`, are skipped), options and close.
abstract class NativeListening {
    final Syscalls sys;
    private final IoSource source;
    private final String backendName;
    int fd;

    NativeListening(Syscalls sys, int fd, String backendName) {
        this.sys = sys;
        this.fd = fd;
        this.source = IoSource.fd(fd);
        this.backendName = backendName;
    }

    /// `listen(fd, backlog)`, closing `fd` if it fails.
    static void listen(Syscalls sys, int fd, int backlog, String target) throws IOException {
        int r = sys.listen(fd, backlog);
        if (r < 0) {
            sys.close(fd);
            throw Errno.exception("listen", target, -r);
        }
    }

    static String backendName(Loop loop) {
        return loop.backendName();
    }

    abstract String target();

    abstract boolean unix();

    /// The next accepted fd, its peer then in [Syscalls#lastAddress()]; -1 when none waits.
    final int acceptFd() throws IOException {
        ensureOpen();
        for (;;) {
            int r = sys.accept4(fd);
            if (r >= 0) {
                return r;
            }
            if (r == -Errno.EAGAIN) {
                return -1;
            }
            if (r != -Errno.EINTR && r != -Errno.ECONNABORTED) {
                throw Errno.exception("accept4", target(), -r);
            }
        }
    }

    public final IoSource source() {
        return source;
    }

    public final String backendName() {
        return backendName;
    }

    public final int option(SocketOptions.Option option) throws IOException {
        ensureOpen();
        return NativeOptions.get(sys, fd, option, unix(), target());
    }

    public final boolean isOpen() {
        return fd >= 0;
    }

    public void close() {
        if (fd >= 0) {
            sys.close(fd);
            fd = -1;
        }
    }

    final void ensureOpen() throws ClosedChannelException {
        if (fd < 0) {
            throw new ClosedChannelException();
        }
    }
}
