package io.ev4j.core.sys.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/// Scatter/gather and file-range I/O: `readv`, `writev` over an `iovec` array owned by the
/// instance, `recv` and `send` of one buffer on a socket, `sendfile`, `pread`, and `open` for
/// read-only file ranges.
///
/// ```java
/// VectorIo io = new VectorIo(64);
/// io.setIovec(0, chunk.address(), chunk.byteSize());
/// long n = io.readv(fd, 1);                  // bytes read, 0 at end of file, or -errno
/// ```
///
/// Conventions as in [Syscalls]: results or `-errno`, one thread at a time per instance (it
/// owns its errno capture segment, `iovec` array and `off_t` scratch), nothing allocated per
/// call except by [#openReadOnly]. Buffers are passed by address; the caller keeps that
/// memory alive for the whole call. `readv`, `writev`, `recv` and `send` are linked as
/// critical calls (only for fds that never block); `sendfile` and `pread` may wait for the disk and are not.
/// `writev` on a pipe or socket whose reader is gone returns `-EPIPE`: the JVM ignores
/// `SIGPIPE`.
public final class VectorIo {
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    /// `struct iovec` of `<bits/types/struct_iovec.h>`: `void *iov_base; size_t iov_len;`.
    public static final StructLayout IOVEC = MemoryLayout.structLayout(
            JAVA_LONG.withName("iov_base"), JAVA_LONG.withName("iov_len"));
    /// Size of one `struct iovec`.
    public static final long IOVEC_SIZE = 16;
    /// Offset of `iov_base`.
    public static final long IOV_BASE_OFFSET = 0;
    /// Offset of `iov_len`.
    public static final long IOV_LEN_OFFSET = 8;
    /// `IOV_MAX` of `<limits.h>` (`UIO_MAXIOV` of the kernel): the most `iovec`s one call takes.
    public static final int IOV_MAX = 1024;
    /// `O_RDONLY` of `<bits/fcntl-linux.h>`.
    public static final int O_RDONLY = 0;

    private static final MethodHandle READV = Syscalls.link("readv", true, true,
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle WRITEV = Syscalls.link("writev", true, true,
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle RECV = Syscalls.link("recv", true, true,
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SEND = Syscalls.link("send", true, true,
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SENDFILE = Syscalls.link("sendfile", false, true,
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle PREAD = Syscalls.link("pread", false, true,
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle OPEN = Syscalls.link("open", false, true,
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));

    private final MemorySegment errno;
    private final MemorySegment iovecs;
    private final MemorySegment offset;
    private final int maxIovecs;

    /// Allocates the errno segment, an array of `maxIovecs` `iovec`s and an `off_t` (freed
    /// when this instance is unreachable).
    ///
    /// @throws IllegalArgumentException `maxIovecs` is not in 1..[#IOV_MAX]
    public VectorIo(int maxIovecs) {
        if (maxIovecs < 1 || maxIovecs > IOV_MAX) {
            throw new IllegalArgumentException("maxIovecs must be in 1.." + IOV_MAX + ", got " + maxIovecs);
        }
        Arena arena = Arena.ofAuto();
        this.maxIovecs = maxIovecs;
        errno = arena.allocate(CAPTURE);
        iovecs = arena.allocate(IOVEC, maxIovecs);
        offset = arena.allocate(JAVA_LONG);
    }

    /// How many `iovec`s this instance holds.
    public int maxIovecs() {
        return maxIovecs;
    }

    /// Sets `iovec[index]` to `{address, length}`.
    public void setIovec(int index, long address, long length) {
        long at = (long) index * IOVEC_SIZE;
        iovecs.set(JAVA_LONG, at + IOV_BASE_OFFSET, address);
        iovecs.set(JAVA_LONG, at + IOV_LEN_OFFSET, length);
    }

    /// The `iovec` array, for tests.
    public MemorySegment iovecs() {
        return iovecs;
    }

    /// `readv(fd, iovecs, count)`: bytes read into the first `count` `iovec`s in order, 0 at
    /// end of file, or `-errno` (`-EAGAIN` when nothing is there).
    public long readv(int fd, int count) {
        checkCount(count);
        try {
            return check((long) READV.invokeExact(errno, fd, iovecs.address(), count));
        } catch (Throwable t) {
            throw Syscalls.unexpected(t);
        }
    }

    /// `writev(fd, iovecs, count)`: bytes written from the first `count` `iovec`s in order, or
    /// `-errno`.
    public long writev(int fd, int count) {
        checkCount(count);
        try {
            return check((long) WRITEV.invokeExact(errno, fd, iovecs.address(), count));
        } catch (Throwable t) {
            throw Syscalls.unexpected(t);
        }
    }

    /// `recv(socketFd, address, count, 0)`: bytes received into the memory at `address`, 0 at
    /// end of stream, or `-errno` (`-ENOTSOCK` for an fd that is no socket). For one buffer on a
    /// socket it is `readv` without the file layer and the `iovec` copy.
    public long recv(int socketFd, long address, long count) {
        try {
            return check((long) RECV.invokeExact(errno, socketFd, address, count, 0));
        } catch (Throwable t) {
            throw Syscalls.unexpected(t);
        }
    }

    /// `send(socketFd, address, count, MSG_NOSIGNAL)`: bytes sent from the memory at `address`,
    /// or `-errno` (`-EPIPE` once the peer is gone, `-ENOTSOCK` for an fd that is no socket).
    /// For one buffer on a socket it is `writev` without the file layer and the `iovec` copy.
    public long send(int socketFd, long address, long count) {
        try {
            return check((long) SEND.invokeExact(errno, socketFd, address, count, SockaddrAbi.MSG_NOSIGNAL));
        } catch (Throwable t) {
            throw Syscalls.unexpected(t);
        }
    }

    /// `sendfile(outFd, inFd, &position, count)`: bytes copied from `inFd` at `position` (its
    /// file offset is left alone), or `-errno`.
    public long sendfile(int outFd, int inFd, long position, long count) {
        offset.set(JAVA_LONG, 0, position);
        try {
            return check((long) SENDFILE.invokeExact(errno, outFd, inFd, offset.address(), count));
        } catch (Throwable t) {
            throw Syscalls.unexpected(t);
        }
    }

    /// `pread(fd, address, count, position)`: bytes read, 0 at end of file, or `-errno`.
    public long pread(int fd, long address, long count, long position) {
        try {
            return check((long) PREAD.invokeExact(errno, fd, address, count, position));
        } catch (Throwable t) {
            throw Syscalls.unexpected(t);
        }
    }

    /// `open(path, O_RDONLY | O_CLOEXEC)`: the new fd, or `-errno`. Allocates the C string.
    public int openReadOnly(String path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cPath = arena.allocateFrom(path);
            return (int) check((long) (int) OPEN.invokeExact(errno, cPath, O_RDONLY | Syscalls.O_CLOEXEC, 0));
        } catch (Throwable t) {
            throw Syscalls.unexpected(t);
        }
    }

    private void checkCount(int count) {
        if (count < 1 || count > maxIovecs) {
            throw new IllegalArgumentException("iovec count must be in 1.." + maxIovecs + ", got " + count);
        }
    }

    private long check(long r) {
        return r == -1 ? -(int) ERRNO.get(errno, 0L) : r;
    }
}
