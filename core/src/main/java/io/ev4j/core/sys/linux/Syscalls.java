package io.ev4j.core.sys.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/// The Linux system calls ev4j makes, as plain Java methods over the C library.
///
/// ```java
/// Syscalls sys = new Syscalls();
/// int epfd = sys.epollCreate1(EpollAbi.EPOLL_CLOEXEC);
/// if (epfd < 0) throw Errno.exception("epoll_create1", null, -epfd);
/// ```
///
/// ## Conventions
/// - Every method returns the call's result, or **`-errno`** when it fails. Nothing throws for
///   a failed call and nothing allocates on the heap. `EINTR` comes back as `-EINTR`; the
///   caller decides whether to retry.
/// - **One thread at a time per instance.** An instance owns its `errno` capture segment and a
///   few scratch segments (for `struct epoll_event`, `sockaddr`, ints) allocated once; a loop
///   creates one instance and uses it from its thread. The static methods are thread-safe.
/// - **Buffers by address.** For the hot calls that take a buffer (`read`, `write`, `send`,
///   `epoll_wait`) the C pointer parameter is declared as `JAVA_LONG` and the caller passes the
///   raw address. On LP64 Linux (x86-64 and AArch64 calling conventions) a pointer and a 64-bit
///   integer travel in the same register, so this is the same call, without a [MemorySegment]
///   per call. The caller must keep that memory alive and large enough for the whole call.
/// - Calls that never block on the fds ev4j gives them (non-blocking sockets, eventfd, pipes)
///   are linked with [Linker.Option#critical] (no heap access): cheaper transitions, but a GC
///   waits for them. `epoll_wait` blocks and is linked normally.
///
/// Only this package calls native code; other packages go through these methods.
public final class Syscalls {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    // <bits/fcntl-linux.h>
    public static final int O_NONBLOCK = 0x800;
    public static final int O_CLOEXEC = 0x80000;
    public static final int F_DUPFD = 0;
    public static final int F_GETFD = 1;
    public static final int F_SETFD = 2;
    public static final int F_GETFL = 3;
    public static final int F_SETFL = 4;
    public static final int F_DUPFD_CLOEXEC = 1030;
    public static final int FD_CLOEXEC = 1;

    /// Size of [#ioScratch()].
    public static final int IO_SCRATCH_SIZE = 64 * 1024;

    private static final MethodHandle EPOLL_CREATE1 = fast("epoll_create1", JAVA_INT, JAVA_INT);
    private static final MethodHandle EPOLL_CTL =
            fast("epoll_ctl", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS);
    private static final MethodHandle EPOLL_WAIT = link("epoll_wait", false, true,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT));
    private static final MethodHandle EVENTFD = fast("eventfd", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle READ = fast("read", JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG);
    private static final MethodHandle WRITE = fast("write", JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG);
    private static final MethodHandle WRITE_NO_ERRNO = link("write", true, false,
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle SEND =
            fast("send", JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT);
    private static final MethodHandle RECV =
            fast("recv", JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT);
    private static final MethodHandle CLOSE = fast("close", JAVA_INT, JAVA_INT);
    private static final MethodHandle PIPE2 = fast("pipe2", JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle SOCKET = fast("socket", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle BIND = fast("bind", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle LISTEN = fast("listen", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle ACCEPT4 =
            fast("accept4", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
    private static final MethodHandle CONNECT = fast("connect", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle GETSOCKOPT =
            fast("getsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle SETSOCKOPT =
            fast("setsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle GETSOCKNAME =
            fast("getsockname", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle GETPEERNAME =
            fast("getpeername", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle SHUTDOWN = fast("shutdown", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle FCNTL = link("fcntl", true, true,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
            Linker.Option.firstVariadicArg(2));

    private final MemorySegment errno;
    private final MemorySegment event;
    private final MemorySegment ints;
    private final MemorySegment sockaddr;
    private final MemorySegment socklen;
    private final Arena arena;
    private int sockaddrLength;
    private MemorySegment ioScratch;

    /// Allocates this instance's errno and scratch segments (freed when it is unreachable).
    public Syscalls() {
        arena = Arena.ofAuto();
        errno = arena.allocate(CAPTURE);
        event = arena.allocate(EpollAbi.EPOLL_EVENT);
        ints = arena.allocate(JAVA_INT, 2); // also a struct linger
        sockaddr = arena.allocate(SockaddrAbi.SOCKADDR_STORAGE_SIZE, 8);
        socklen = arena.allocate(JAVA_INT);
    }

    /// True once the C functions are linked; calling it links them. Throws a [LinkageError]
    /// (an [ExceptionInInitializerError]) if they cannot be.
    public static boolean linked() {
        return EPOLL_WAIT != null;
    }

    /// `epoll_create1(flags)`: the new epoll fd.
    public int epollCreate1(int flags) {
        try {
            return check((int) EPOLL_CREATE1.invokeExact(errno, flags));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /// `epoll_ctl(epfd, op, fd, &{events, data})`, the struct filled in a scratch segment.
    public int epollCtl(int epfd, int op, int fd, int events, long data) {
        EpollAbi.set(event, events, data);
        try {
            return check((int) EPOLL_CTL.invokeExact(errno, epfd, op, fd, event));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /// `epoll_wait(epfd, events, maxEvents, timeoutMs)`: the number of events written at
    /// `eventsAddress` (room for `maxEvents` structs). Blocks; `-EINTR` when interrupted.
    public int epollWait(int epfd, long eventsAddress, int maxEvents, int timeoutMs) {
        try {
            return check((int) EPOLL_WAIT.invokeExact(errno, epfd, eventsAddress, maxEvents, timeoutMs));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /// `eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)`.
    public int eventfd() {
        try {
            return check((int) EVENTFD.invokeExact(errno, 0, EpollAbi.EFD_NONBLOCK | EpollAbi.EFD_CLOEXEC));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /// `read(fd, address, count)`: bytes read, 0 at end of file. Linked as a critical call:
    /// only for fds that never block (non-blocking sockets and pipes, eventfds).
    public long read(int fd, long address, long count) {
        try {
            return check((long) READ.invokeExact(errno, fd, address, count));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /// `write(fd, address, count)`: bytes written. Only for fds that never block, like [#read].
    public long write(int fd, long address, long count) {
        try {
            return check((long) WRITE.invokeExact(errno, fd, address, count));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /// `write(fd, address, count)` without errno: -1 on any failure. Any thread (it uses no
    /// instance state), for waking a loop up.
    public static long writeNoErrno(int fd, long address, long count) {
        try {
            return (long) WRITE_NO_ERRNO.invokeExact(fd, address, count);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /// `recv(fd, address, count, flags)`: bytes received, 0 at end of stream. For sockets it is
    /// `read` without the file layer (no file position lock, no `read_iter` hop); critical like
    /// [#read], so only for non-blocking sockets.
    public long recv(int fd, long address, long count, int flags) {
        try {
            return check((long) RECV.invokeExact(errno, fd, address, count, flags));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /// `send(fd, address, count, flags)`: bytes sent. Sockets pass
    /// [SockaddrAbi#MSG_NOSIGNAL] so that a closed peer gives `-EPIPE`, not `SIGPIPE`.
    public long send(int fd, long address, long count, int flags) {
        try {
            return check((long) SEND.invokeExact(errno, fd, address, count, flags));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /// `close(fd)`. Never retry on `-EINTR`: Linux has released the fd anyway.
    public int close(int fd) {
        try {
            return check((int) CLOSE.invokeExact(errno, fd));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /// `pipe2(fds, O_NONBLOCK | O_CLOEXEC)`: on success `fds[0]` is the read end and `fds[1]`
    /// the write end.
    public int pipe2(int[] fds) {
        int r;
        try {
            r = check((int) PIPE2.invokeExact(errno, ints, O_NONBLOCK | O_CLOEXEC));
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (r == 0) {
            fds[0] = ints.getAtIndex(JAVA_INT, 0);
            fds[1] = ints.getAtIndex(JAVA_INT, 1);
        }
        return r;
    }

    /// `socket(domain, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)`.
    public int socket(int domain) {
        int type = SockaddrAbi.SOCK_STREAM | SockaddrAbi.SOCK_NONBLOCK | SockaddrAbi.SOCK_CLOEXEC;
        try {
            return check((int) SOCKET.invokeExact(errno, domain, type, 0));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /// `bind(fd, address)`.
    public int bind(int fd, InetSocketAddress address) {
        return bindEncoded(fd, SockaddrAbi.encode(address, sockaddr));
    }

    /// `bind(fd, sockaddr_un)`, `name` as for [SockaddrAbi#encodeUnix].
    public int bindUnix(int fd, byte[] name, boolean abstractName) {
        return bindEncoded(fd, SockaddrAbi.encodeUnix(name, abstractName, sockaddr));
    }

    private int bindEncoded(int fd, int length) {
        try {
            return check((int) BIND.invokeExact(errno, fd, sockaddr, length));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /// `listen(fd, backlog)`.
    public int listen(int fd, int backlog) {
        try {
            return check((int) LISTEN.invokeExact(errno, fd, backlog));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /// `accept4(fd, &peer, &len, SOCK_NONBLOCK | SOCK_CLOEXEC)`: the new fd; the peer's address
    /// is then [#lastAddress()].
    public int accept4(int fd) {
        socklen.set(JAVA_INT, 0, SockaddrAbi.SOCKADDR_STORAGE_SIZE);
        int r;
        try {
            r = check((int) ACCEPT4.invokeExact(errno, fd, sockaddr, socklen,
                    SockaddrAbi.SOCK_NONBLOCK | SockaddrAbi.SOCK_CLOEXEC));
        } catch (Throwable t) {
            throw unexpected(t);
        }
        sockaddrLength = r >= 0 ? socklen.get(JAVA_INT, 0) : 0;
        return r;
    }

    /// `connect(fd, address)`: `-EINPROGRESS` on a non-blocking socket is not a failure.
    public int connect(int fd, InetSocketAddress address) {
        return connectEncoded(fd, SockaddrAbi.encode(address, sockaddr));
    }

    /// `connect(fd, sockaddr_un)`, `name` as for [SockaddrAbi#encodeUnix].
    public int connectUnix(int fd, byte[] name, boolean abstractName) {
        return connectEncoded(fd, SockaddrAbi.encodeUnix(name, abstractName, sockaddr));
    }

    private int connectEncoded(int fd, int length) {
        try {
            return check((int) CONNECT.invokeExact(errno, fd, sockaddr, length));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /// `getsockopt(fd, level, name)` for an int option: its value (options ev4j reads are never
    /// negative), or `-errno`.
    public int getsockoptInt(int fd, int level, int name) {
        socklen.set(JAVA_INT, 0, (int) JAVA_INT.byteSize());
        int r;
        try {
            r = check((int) GETSOCKOPT.invokeExact(errno, fd, level, name, ints, socklen));
        } catch (Throwable t) {
            throw unexpected(t);
        }
        return r < 0 ? r : ints.getAtIndex(JAVA_INT, 0);
    }

    /// `getsockopt(fd, SOL_SOCKET, SO_ERROR)`: the socket's pending error (0 if none), which it
    /// clears, or `-errno` if the call itself failed.
    public int socketError(int fd) {
        return getsockoptInt(fd, SockaddrAbi.SOL_SOCKET, SockaddrAbi.SO_ERROR);
    }

    /// `setsockopt(fd, level, name, &value, sizeof(int))`.
    public int setsockoptInt(int fd, int level, int name, int value) {
        ints.setAtIndex(JAVA_INT, 0, value);
        try {
            return check((int) SETSOCKOPT.invokeExact(errno, fd, level, name, ints, (int) JAVA_INT.byteSize()));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /// `setsockopt(fd, SOL_SOCKET, SO_LINGER, &{onoff, seconds})`: `seconds < 0` turns lingering
    /// off; `0` makes close abortive (the peer gets a reset).
    public int setsockoptLinger(int fd, int seconds) {
        ints.setAtIndex(JAVA_INT, 0, seconds >= 0 ? 1 : 0);
        ints.setAtIndex(JAVA_INT, 1, Math.max(seconds, 0));
        try {
            return check((int) SETSOCKOPT.invokeExact(errno, fd, SockaddrAbi.SOL_SOCKET, SockaddrAbi.SO_LINGER,
                    ints, (int) SockaddrAbi.LINGER.byteSize()));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /// `getsockopt(fd, SOL_SOCKET, SO_LINGER)`: the linger time in seconds, `-1` when lingering
    /// is off, or `-errno - 1` (always below -1) when the call failed.
    public int getsockoptLinger(int fd) {
        socklen.set(JAVA_INT, 0, (int) SockaddrAbi.LINGER.byteSize());
        int r;
        try {
            r = check((int) GETSOCKOPT.invokeExact(errno, fd, SockaddrAbi.SOL_SOCKET, SockaddrAbi.SO_LINGER,
                    ints, socklen));
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (r < 0) {
            return r - 1;
        }
        return ints.getAtIndex(JAVA_INT, 0) != 0 ? ints.getAtIndex(JAVA_INT, 1) : -1;
    }

    /// `getsockname(fd)`: 0, and the address is then [#lastAddress()].
    public int getsockname(int fd) {
        return nameCall(GETSOCKNAME, fd);
    }

    /// `getpeername(fd)`: 0, and the address is then [#lastAddress()]; `-ENOTCONN` while a
    /// connect is in progress.
    public int getpeername(int fd) {
        return nameCall(GETPEERNAME, fd);
    }

    private int nameCall(MethodHandle handle, int fd) {
        socklen.set(JAVA_INT, 0, SockaddrAbi.SOCKADDR_STORAGE_SIZE);
        int r;
        try {
            r = check((int) handle.invokeExact(errno, fd, sockaddr, socklen));
        } catch (Throwable t) {
            throw unexpected(t);
        }
        sockaddrLength = r >= 0 ? socklen.get(JAVA_INT, 0) : 0;
        return r;
    }

    /// The address the last successful [#accept4], [#getsockname] or [#getpeername] returned;
    /// null if there is none or its family is neither `AF_INET` nor `AF_INET6`. Allocates.
    public InetSocketAddress lastAddress() {
        return SockaddrAbi.decode(sockaddr, sockaddrLength);
    }

    /// The family of [#lastAddress()]'s address (`AF_UNIX`, `AF_INET`, ...), or -1 if none.
    public int lastFamily() {
        return SockaddrAbi.familyOf(sockaddr, sockaddrLength);
    }

    /// The `sun_path` of the last `AF_UNIX` address returned, as [SockaddrAbi#decodeUnix]
    /// gives it; null if the last address was of another family. Allocates.
    public byte[] lastUnixName() {
        return SockaddrAbi.decodeUnix(sockaddr, sockaddrLength);
    }

    /// `shutdown(fd, how)`, `how` one of [SockaddrAbi#SHUT_WR] etc.
    public int shutdown(int fd, int how) {
        try {
            return check((int) SHUTDOWN.invokeExact(errno, fd, how));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /// `fcntl(fd, cmd, arg)` for the commands that take an int (or ignore their argument).
    public int fcntl(int fd, int cmd, int arg) {
        try {
            return check((int) FCNTL.invokeExact(errno, fd, cmd, arg));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /// A native buffer of [#IO_SCRATCH_SIZE] bytes, allocated on first use, for copying heap
    /// buffers through. Same thread rule as the instance; lives as long as the instance.
    public MemorySegment ioScratch() {
        MemorySegment s = ioScratch;
        if (s == null) {
            s = ioScratch = arena.allocate(IO_SCRATCH_SIZE, 64);
        }
        return s;
    }

    private int check(int r) {
        return r == -1 ? -(int) ERRNO.get(errno, 0L) : r;
    }

    private long check(long r) {
        return r == -1 ? -(int) ERRNO.get(errno, 0L) : r;
    }

    private static MethodHandle fast(String name, ValueLayout result, MemoryLayout... args) {
        return link(name, true, true, FunctionDescriptor.of(result, args));
    }

    @SuppressWarnings("restricted")
    static MethodHandle link(String name, boolean critical, boolean captureErrno,
                                     FunctionDescriptor descriptor, Linker.Option... extra) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("C library has no " + name));
        Linker.Option[] options = new Linker.Option[extra.length + 2];
        int n = 0;
        for (Linker.Option o : extra) {
            options[n++] = o;
        }
        if (critical) {
            options[n++] = Linker.Option.critical(false);
        }
        if (captureErrno) {
            options[n++] = Linker.Option.captureCallState("errno");
        }
        return LINKER.downcallHandle(symbol, descriptor, java.util.Arrays.copyOf(options, n));
    }

    static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("native call failed", t);
    }
}
