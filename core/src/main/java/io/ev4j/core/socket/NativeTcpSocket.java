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
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;

/// A TCP connection on a raw socket fd, for native backends: every call goes through the
/// loop's [Syscalls].
///
/// Direct buffers are read and written in place through their native address, computed once
/// per buffer object (the last buffer used for reading and the last for writing are
/// remembered, and kept reachable, until [#close()]). Heap buffers are copied through the
/// loop's 64 KiB scratch segment, so one call moves at most 64 KiB of them. Writes use
/// `send(MSG_NOSIGNAL)`: a closed peer gives an `EPIPE` exception, never `SIGPIPE`.
final class NativeTcpSocket implements TcpSocket {
    private final Syscalls sys;
    private final IoSource source;
    private final InetSocketAddress remote;
    private int fd;
    private boolean connected;
    private ByteBuffer readBuffer;
    private long readBase;
    private ByteBuffer writeBuffer;
    private long writeBase;

    NativeTcpSocket(Syscalls sys, int fd, InetSocketAddress remote, boolean connected) {
        this.sys = sys;
        this.fd = fd;
        this.source = IoSource.fd(fd);
        this.remote = remote;
        this.connected = connected;
    }

    /// Opens a non-blocking socket of `remote`'s family and starts connecting it.
    static TcpSocket connect(Loop loop, InetSocketAddress remote) throws IOException {
        Syscalls sys = syscalls(loop);
        int fd = sys.socket(SockaddrAbi.family(remote.getAddress()));
        if (fd < 0) {
            throw Errno.exception("socket", describe(remote), -fd);
        }
        int r = sys.connect(fd, remote);
        // EINTR: a non-blocking connect then goes on in the background, like EINPROGRESS.
        if (r < 0 && r != -Errno.EINPROGRESS && r != -Errno.EINTR) {
            sys.close(fd);
            throw Errno.exception("connect", describe(remote), -r);
        }
        return new NativeTcpSocket(sys, fd, remote, r == 0);
    }

    /// The loop's [Syscalls] if its backend is native, else a new instance.
    static Syscalls syscalls(Loop loop) {
        return loop.backend() instanceof NativeBackend nb ? nb.syscalls() : new Syscalls();
    }

    /// `host:port`, `[v6]:port`, for error messages.
    static String describe(InetSocketAddress address) {
        if (address == null) {
            return null;
        }
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return (address.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    @Override
    public IoSource source() {
        return source;
    }

    @Override
    public boolean finishConnect() throws IOException {
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

    @Override
    public int read(ByteBuffer dst) throws IOException {
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
            long n = sys.read(fd, address, len);
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

    @Override
    public int write(ByteBuffer src) throws IOException {
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

    @Override
    public void shutdownOutput() throws IOException {
        ensureOpen();
        int r = sys.shutdown(fd, SockaddrAbi.SHUT_WR);
        if (r < 0) {
            throw Errno.exception("shutdown", target(), -r);
        }
    }

    @Override
    public void setTcpNoDelay(boolean on) throws IOException {
        ensureOpen();
        int r = sys.setsockoptInt(fd, SockaddrAbi.IPPROTO_TCP, SockaddrAbi.TCP_NODELAY, on ? 1 : 0);
        if (r < 0) {
            throw Errno.exception("setsockopt", target(), -r);
        }
    }

    @Override
    public InetSocketAddress remoteAddress() throws IOException {
        ensureOpen();
        if (remote != null) {
            return remote;
        }
        int r = sys.getpeername(fd);
        if (r < 0) {
            throw Errno.exception("getpeername", target(), -r);
        }
        return sys.lastAddress();
    }

    @Override
    public InetSocketAddress localAddress() throws IOException {
        ensureOpen();
        int r = sys.getsockname(fd);
        if (r < 0) {
            throw Errno.exception("getsockname", target(), -r);
        }
        return sys.lastAddress();
    }

    @Override
    public boolean isOpen() {
        return fd >= 0;
    }

    @Override
    public void close() {
        if (fd >= 0) {
            sys.close(fd);
            fd = -1;
            readBuffer = null;
            writeBuffer = null;
        }
    }

    @Override
    public String toString() {
        return "NativeTcpSocket[" + (fd >= 0 ? "fd " + fd : "closed")
                + (remote != null ? ", peer " + describe(remote) : "") + "]";
    }

    private String target() {
        return remote != null ? describe(remote) : "fd " + fd;
    }

    private void ensureOpen() throws ClosedChannelException {
        if (fd < 0) {
            throw new ClosedChannelException();
        }
    }
}
