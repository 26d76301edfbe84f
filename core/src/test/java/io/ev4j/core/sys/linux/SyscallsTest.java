package io.ev4j.core.sys.linux;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
@EnabledOnOs(OS.LINUX)
class SyscallsTest {
    private final Syscalls sys = new Syscalls();
    private long fdsBefore;

    @BeforeEach
    void countFds() {
        fdsBefore = OpenFds.count();
    }

    @AfterEach
    void allClosed() {
        assertEquals(fdsBefore, OpenFds.count(), "open fds");
    }

    @Test
    void pipeCarriesBytesByAddress() {
        int[] p = new int[2];
        assertEquals(0, sys.pipe2(p));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(16);
            assertEquals(-Errno.EAGAIN, sys.read(p[0], buf.address(), 16), "non-blocking and empty");
            buf.setString(0, "abc");
            assertEquals(3, sys.write(p[1], buf.address(), 3));
            buf.fill((byte) 0);
            assertEquals(3, sys.read(p[0], buf.address(), 16));
            assertEquals("abc", buf.getString(0));
        } finally {
            assertEquals(0, sys.close(p[0]));
            assertEquals(0, sys.close(p[1]));
        }
    }

    @Test
    void pipeIsNonBlockingAndCloseOnExec() {
        int[] p = new int[2];
        assertEquals(0, sys.pipe2(p));
        try {
            assertTrue((sys.fcntl(p[0], Syscalls.F_GETFL, 0) & Syscalls.O_NONBLOCK) != 0);
            assertEquals(Syscalls.FD_CLOEXEC, sys.fcntl(p[1], Syscalls.F_GETFD, 0) & Syscalls.FD_CLOEXEC);
        } finally {
            sys.close(p[0]);
            sys.close(p[1]);
        }
    }

    @Test
    void failuresReturnMinusErrno() {
        assertEquals(-Errno.EBADF, sys.close(-5));
        assertEquals(-Errno.EBADF, sys.fcntl(-5, Syscalls.F_GETFL, 0));
        assertEquals(-Errno.EBADF, sys.read(-5, 0, 0));
        assertEquals(-Errno.EBADF, sys.epollCtl(-5, EpollAbi.EPOLL_CTL_ADD, 0, EpollAbi.EPOLLIN, 0));
        assertEquals(-Errno.EAFNOSUPPORT, sys.socket(12345));
        assertEquals(-1, Syscalls.writeNoErrno(-5, 0, 0));
    }

    @Test
    void eventfdCountsWrites() {
        int efd = sys.eventfd();
        assertTrue(efd >= 0, "eventfd " + efd);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment one = arena.allocateFrom(ValueLayout.JAVA_LONG, 1L);
            MemorySegment got = arena.allocate(ValueLayout.JAVA_LONG);
            assertEquals(-Errno.EAGAIN, sys.read(efd, got.address(), 8));
            assertEquals(8, sys.write(efd, one.address(), 8));
            assertEquals(8, Syscalls.writeNoErrno(efd, one.address(), 8));
            assertEquals(8, sys.read(efd, got.address(), 8));
            assertEquals(2L, got.get(ValueLayout.JAVA_LONG, 0));
        } finally {
            sys.close(efd);
        }
    }

    @Test
    void socketOptionsAndNames() throws Exception {
        int fd = sys.socket(SockaddrAbi.AF_INET);
        assertTrue(fd >= 0, "socket " + fd);
        try {
            assertEquals(0, sys.getsockoptInt(fd, SockaddrAbi.SOL_SOCKET, SockaddrAbi.SO_REUSEADDR));
            assertEquals(0, sys.setsockoptInt(fd, SockaddrAbi.SOL_SOCKET, SockaddrAbi.SO_REUSEADDR, 1));
            assertNotEquals(0, sys.getsockoptInt(fd, SockaddrAbi.SOL_SOCKET, SockaddrAbi.SO_REUSEADDR));
            assertEquals(0, sys.setsockoptInt(fd, SockaddrAbi.IPPROTO_TCP, SockaddrAbi.TCP_NODELAY, 1));
            assertEquals(0, sys.socketError(fd));
            assertEquals(-Errno.ENOTCONN, sys.shutdown(fd, SockaddrAbi.SHUT_WR));
            assertEquals(0, sys.bind(fd, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
            assertEquals(0, sys.getsockname(fd));
            InetSocketAddress local = sys.lastAddress();
            assertEquals(InetAddress.getLoopbackAddress(), local.getAddress());
            assertTrue(local.getPort() > 0);
            assertEquals(-Errno.ENOTCONN, sys.getpeername(fd));
            assertEquals(0, sys.listen(fd, 4));
            assertEquals(-Errno.EAGAIN, sys.accept4(fd));
        } finally {
            sys.close(fd);
        }
    }
}
