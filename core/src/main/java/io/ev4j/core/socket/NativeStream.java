package io.ev4j.core.socket;

import io.ev4j.core.IoSource;
import io.ev4j.core.Loop;
import io.ev4j.core.sys.linux.Errno;
import io.ev4j.core.sys.linux.NativeBackend;
import io.ev4j.core.sys.linux.SockaddrAbi;
import io.ev4j.core.sys.linux.Syscalls;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;

/// The part of a native stream socket that does not depend on its family: reads, writes,
/// connect completion, half-close, options and close on a raw fd through the loop's
/// [Syscalls].
///
/// Direct buffers are read and written in place through their native address, computed once
/// per buffer object (the last buffer used for reading and the last for writing are
/// remembered, and kept reachable, until [#close()]). Heap buffers are copied through the
/// loop's 64 KiB scratch segment, so one call moves at most 64 KiB of them. Writes use
/// `send(MSG_NOSIGNAL)`: a closed peer gives an `EPIPE` exception, never `SIGPIPE`.
abstract class NativeStream {
    final Syscalls sys;
    private final IoSource source;
    int fd;
    private boolean connected;
    private ByteBuffer readBuffer;
    private long readBase;
    private ByteBuffer writeBuffer;
    private long writeBase;

    NativeStream(Syscalls sys, int fd, boolean connected) {
        this.sys = sys;
        this.fd = fd;
        this.source = IoSource.fd(fd);
        this.connected = connected;
    }

    /// The loop's [Syscalls] if its backend is native, else a new instance.
    static Syscalls syscalls(Loop loop) {
        return loop.backend() instanceof NativeBackend nb ? nb.syscalls() : new Syscalls();
    }

    /// Opens a non-blocking close-on-exec stream socket of `domain` with `options` applied;
    /// closes it again if an option fails.
    static int open(Syscalls sys, int domain, SocketOptions options, boolean unix, String target)
            throws IOException {
        options.requireKind(unix);
        int fd = sys.socket(domain);
        if (fd < 0) {
            throw Errno.exception("socket", target, -fd);
        }
        try {
            NativeOptions.apply(sys, fd, options, unix, target);
        } catch (IOException | RuntimeException e) {
            sys.close(fd);
            throw e;
        }
        return fd;
    }

    /// What error messages name: the peer's address, else the fd.
    abstract String target();

    abstract boolean unix();

    public final IoSource source() {
        return source;
    }

    public final boolean finishConnect() throws IOException {
        ensureOpen();
        if (connected) {
            return true;
        }
        int error = sys.socketError(fd);
        if (error < 0) {
            throw Errno.exception("getsockopt", target(), -error);
        }
        if (error > 0) {
            throw Errno.exception("connect", target(), error);
        }
        int r = sys.getpeername(fd);
        if (r == 0) {
            connected = true;
            return true;
        }
        if (r == -Errno.ENOTCONN) {
            return false;
        }
        throw Errno.exception("getpeername", target(), -r);
    }

    public final int read(ByteBuffer dst) throws IOException {
        ensureOpen();
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("read-only buffer");
        }
        int pos = dst.position();
        int len = dst.limit() - pos;
        if (len == 0) {
            return 0;
        }
        long n;
        if (dst.isDirect()) {
            if (dst != readBuffer) {
                readBase = baseAddress(dst);
                readBuffer = dst;
            }
            n = readRaw(readBase + pos, len);
            Reference.reachabilityFence(dst);
        } else {
            MemorySegment scratch = sys.ioScratch();
            n = readRaw(scratch.address(), Math.min(len, Syscalls.IO_SCRATCH_SIZE));
            if (n > 0) {
                if (dst.hasArray()) {
                    MemorySegment.copy(scratch, ValueLayout.JAVA_BYTE, 0,
                            dst.array(), dst.arrayOffset() + pos, (int) n);
                } else {
                    MemorySegment.copy(scratch, 0, MemorySegment.ofBuffer(dst), 0, n);
                }
            }
            Reference.reachabilityFence(scratch);
        }
        if (n > 0) {
            dst.position(pos + (int) n);
        }
        return (int) n;
    }

    private long readRaw(long address, int len) throws IOException {
        for (;;) {
            long n = sys.recv(fd, address, len, 0);  // a socket: recv skips read's file layer
            if (n > 0) {
                return n;
            }
            if (n == 0) {
                return -1;
            }
            if (n == -Errno.EAGAIN) {
                return 0;
            }
            if (n != -Errno.EINTR) {
                throw Errno.exception("read", target(), (int) -n);
            }
        }
    }

    public final int write(ByteBuffer src) throws IOException {
        ensureOpen();
        int pos = src.position();
        int len = src.limit() - pos;
        if (len == 0) {
            return 0;
        }
        long n;
        if (src.isDirect()) {
            if (src != writeBuffer) {
                writeBase = baseAddress(src);
                writeBuffer = src;
            }
            n = sendRaw(writeBase + pos, len);
            Reference.reachabilityFence(src);
        } else {
            MemorySegment scratch = sys.ioScratch();
            int chunk = Math.min(len, Syscalls.IO_SCRATCH_SIZE);
            if (src.hasArray()) {
                MemorySegment.copy(src.array(), src.arrayOffset() + pos, scratch, ValueLayout.JAVA_BYTE, 0, chunk);
            } else {
                MemorySegment.copy(MemorySegment.ofBuffer(src), 0, scratch, 0, chunk);
            }
            n = sendRaw(scratch.address(), chunk);
            Reference.reachabilityFence(scratch);
        }
        if (n > 0) {
            src.position(pos + (int) n);
        }
        return (int) n;
    }

    private long sendRaw(long address, int len) throws IOException {
        for (;;) {
            long n = sys.send(fd, address, len, SockaddrAbi.MSG_NOSIGNAL);
            if (n >= 0) {
                return n;
            }
            if (n == -Errno.EAGAIN) {
                return 0;
            }
            if (n != -Errno.EINTR) {
                throw Errno.exception("send", target(), (int) -n);
            }
        }
    }

    /// The native address of a direct buffer's element 0.
    private static long baseAddress(ByteBuffer direct) {
        return MemorySegment.ofBuffer(direct).address() - direct.position();
    }

    public final void shutdownOutput() throws IOException {
        ensureOpen();
        int r = sys.shutdown(fd, SockaddrAbi.SHUT_WR);
        if (r < 0) {
            throw Errno.exception("shutdown", target(), -r);
        }
    }

    public final void apply(SocketOptions options) throws IOException {
        ensureOpen();
        NativeOptions.apply(sys, fd, options, unix(), target());
    }

    public final int option(SocketOptions.Option option) throws IOException {
        ensureOpen();
        return NativeOptions.get(sys, fd, option, unix(), target());
    }

    public final boolean isOpen() {
        return fd >= 0;
    }

    public final void close() {
        if (fd >= 0) {
            sys.close(fd);
            fd = -1;
            readBuffer = null;
            writeBuffer = null;
        }
    }

    final void ensureOpen() throws ClosedChannelException {
        if (fd < 0) {
            throw new ClosedChannelException();
        }
    }
}
