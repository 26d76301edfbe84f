package io.ev4j.core.sys.linux;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/// Pins the struct layouts and constants to the values in the kernel and C library headers.
@Timeout(10)
class AbiLayoutTest {

    private static long offset(StructLayout layout, String field) {
        return layout.byteOffset(PathElement.groupElement(field));
    }

    @Test
    void epollEventMatchesSysEpollH() {
        boolean x86 = System.getProperty("os.arch").equals("amd64") || System.getProperty("os.arch").equals("x86_64");
        assertEquals(x86, EpollAbi.PACKED);
        assertEquals(x86 ? 12 : 16, EpollAbi.SIZE);
        assertEquals(x86 ? 12 : 16, EpollAbi.EPOLL_EVENT.byteSize());
        assertEquals(0, EpollAbi.EVENTS_OFFSET);
        assertEquals(x86 ? 4 : 8, EpollAbi.DATA_OFFSET);
    }

    @Test
    void epollEventArrayAccess() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment array = arena.allocate(EpollAbi.EPOLL_EVENT, 3);
            array.set(ValueLayout.JAVA_INT_UNALIGNED, 2 * EpollAbi.SIZE, EpollAbi.EPOLLIN | EpollAbi.EPOLLHUP);
            array.set(ValueLayout.JAVA_LONG_UNALIGNED, 2 * EpollAbi.SIZE + EpollAbi.DATA_OFFSET, 0x1234_5678_9ABC_DEF0L);
            assertEquals(EpollAbi.EPOLLIN | EpollAbi.EPOLLHUP, EpollAbi.events(array, 2));
            assertEquals(0x1234_5678_9ABC_DEF0L, EpollAbi.data(array, 2));
        }
    }

    @Test
    void dataPacksFdAndGeneration() {
        long data = EpollAbi.data(7, 0x8000_0001);
        assertEquals(7, EpollAbi.fd(data));
        assertEquals(0x8000_0001, EpollAbi.generation(data));
        assertEquals(0x8000_0001_0000_0007L, data);
        assertEquals(Integer.MAX_VALUE, EpollAbi.fd(EpollAbi.data(Integer.MAX_VALUE, -1)));
    }

    @Test
    void epollConstantsMatchHeaders() {
        assertEquals(0x001, EpollAbi.EPOLLIN);
        assertEquals(0x004, EpollAbi.EPOLLOUT);
        assertEquals(0x008, EpollAbi.EPOLLERR);
        assertEquals(0x010, EpollAbi.EPOLLHUP);
        assertEquals(0x2000, EpollAbi.EPOLLRDHUP);
        assertEquals(1, EpollAbi.EPOLL_CTL_ADD);
        assertEquals(2, EpollAbi.EPOLL_CTL_DEL);
        assertEquals(3, EpollAbi.EPOLL_CTL_MOD);
        assertEquals(02000000, EpollAbi.EPOLL_CLOEXEC);
        assertEquals(00004000, EpollAbi.EFD_NONBLOCK);
        assertEquals(02000000, EpollAbi.EFD_CLOEXEC);
        assertEquals(04000, Syscalls.O_NONBLOCK);
        assertEquals(02000000, Syscalls.O_CLOEXEC);
        assertEquals(00004000, SockaddrAbi.SOCK_NONBLOCK);
        assertEquals(02000000, SockaddrAbi.SOCK_CLOEXEC);
    }

    @Test
    void sockaddrInMatchesNetinetInH() {
        assertEquals(16, SockaddrAbi.SOCKADDR_IN.byteSize());
        assertEquals(0, offset(SockaddrAbi.SOCKADDR_IN, "sin_family"));
        assertEquals(2, offset(SockaddrAbi.SOCKADDR_IN, "sin_port"));
        assertEquals(4, offset(SockaddrAbi.SOCKADDR_IN, "sin_addr"));
        assertEquals(8, offset(SockaddrAbi.SOCKADDR_IN, "sin_zero"));
    }

    @Test
    void sockaddrIn6MatchesNetinetInH() {
        assertEquals(28, SockaddrAbi.SOCKADDR_IN6.byteSize());
        assertEquals(0, offset(SockaddrAbi.SOCKADDR_IN6, "sin6_family"));
        assertEquals(2, offset(SockaddrAbi.SOCKADDR_IN6, "sin6_port"));
        assertEquals(4, offset(SockaddrAbi.SOCKADDR_IN6, "sin6_flowinfo"));
        assertEquals(8, offset(SockaddrAbi.SOCKADDR_IN6, "sin6_addr"));
        assertEquals(24, offset(SockaddrAbi.SOCKADDR_IN6, "sin6_scope_id"));
    }

    @Test
    void encodesIpv4InNetworkByteOrder() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(SockaddrAbi.SOCKADDR_STORAGE_SIZE, 8);
            s.fill((byte) 0x55);
            InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 0x1F90);
            assertEquals(16, SockaddrAbi.encode(a, s));
            assertEquals(SockaddrAbi.AF_INET, s.get(ValueLayout.JAVA_SHORT, 0));
            assertEquals((byte) 0x1F, s.get(ValueLayout.JAVA_BYTE, 2));
            assertEquals((byte) 0x90, s.get(ValueLayout.JAVA_BYTE, 3));
            assertEquals(10, s.get(ValueLayout.JAVA_BYTE, 4));
            assertEquals(3, s.get(ValueLayout.JAVA_BYTE, 7));
            assertEquals(0, s.get(ValueLayout.JAVA_LONG_UNALIGNED, 8), "sin_zero cleared");
            assertEquals(a, SockaddrAbi.decode(s, 16));
        }
    }

    @Test
    void encodesIpv6WithScopeId() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(SockaddrAbi.SOCKADDR_STORAGE_SIZE, 8);
            s.fill((byte) 0x55);
            byte[] linkLocal = InetAddress.getByName("fe80::1").getAddress();
            InetSocketAddress a = new InetSocketAddress(Inet6Address.getByAddress(null, linkLocal, 3), 443);
            assertEquals(28, SockaddrAbi.encode(a, s));
            assertEquals(SockaddrAbi.AF_INET6, s.get(ValueLayout.JAVA_SHORT, 0));
            assertEquals((byte) 0x01, s.get(ValueLayout.JAVA_BYTE, 2));
            assertEquals((byte) 0xBB, s.get(ValueLayout.JAVA_BYTE, 3));
            assertEquals(0, s.get(ValueLayout.JAVA_INT, 4), "flowinfo cleared");
            assertEquals((byte) 0xFE, s.get(ValueLayout.JAVA_BYTE, 8));
            assertEquals(1, s.get(ValueLayout.JAVA_BYTE, 23));
            assertEquals(3, s.get(ValueLayout.JAVA_INT, 24));
            InetSocketAddress back = SockaddrAbi.decode(s, 28);
            assertEquals(a, back);
            assertEquals(3, assertInstanceOf(Inet6Address.class, back.getAddress()).getScopeId());
        }
    }

    @Test
    void decodeRejectsOtherFamiliesAndShortLengths() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(SockaddrAbi.SOCKADDR_STORAGE_SIZE, 8);
            s.set(ValueLayout.JAVA_SHORT, 0, (short) 1); // AF_UNIX
            assertEquals(null, SockaddrAbi.decode(s, 110));
            s.set(ValueLayout.JAVA_SHORT, 0, (short) SockaddrAbi.AF_INET6);
            assertEquals(null, SockaddrAbi.decode(s, 16));
            assertEquals(null, SockaddrAbi.decode(s, 0));
        }
    }

    @Test
    void sockaddrUnAndLingerMatchSysUnHAndBitsSocketH() {
        assertEquals(110, SockaddrAbi.SOCKADDR_UN.byteSize());
        assertEquals(0, offset(SockaddrAbi.SOCKADDR_UN, "sun_family"));
        assertEquals(2, offset(SockaddrAbi.SOCKADDR_UN, "sun_path"));
        assertEquals(108, SockaddrAbi.UN_PATH_SIZE);
        assertEquals(8, SockaddrAbi.LINGER.byteSize());
        assertEquals(0, offset(SockaddrAbi.LINGER, "l_onoff"));
        assertEquals(4, offset(SockaddrAbi.LINGER, "l_linger"));
        assertEquals(1, SockaddrAbi.AF_UNIX);
    }

    @Test
    void socketOptionNumbersMatchTheHeaders() {
        assertEquals(7, SockaddrAbi.SO_SNDBUF);
        assertEquals(8, SockaddrAbi.SO_RCVBUF);
        assertEquals(9, SockaddrAbi.SO_KEEPALIVE);
        assertEquals(13, SockaddrAbi.SO_LINGER);
        assertEquals(15, SockaddrAbi.SO_REUSEPORT);
        assertEquals(4, SockaddrAbi.TCP_KEEPIDLE);
        assertEquals(5, SockaddrAbi.TCP_KEEPINTVL);
        assertEquals(6, SockaddrAbi.TCP_KEEPCNT);
        assertEquals(9, SockaddrAbi.TCP_DEFER_ACCEPT);
        assertEquals(26, SockaddrAbi.IPV6_V6ONLY);
        assertEquals(41, SockaddrAbi.IPPROTO_IPV6);
    }

    @Test
    void unixPathsEndInANulAndAbstractNamesStartWithOne() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(SockaddrAbi.SOCKADDR_STORAGE_SIZE, 8);
            s.fill((byte) 0x55);
            byte[] path = "/tmp/a.sock".getBytes();
            assertEquals(2 + path.length + 1, SockaddrAbi.encodeUnix(path, false, s));
            assertEquals(SockaddrAbi.AF_UNIX, s.get(ValueLayout.JAVA_SHORT, 0));
            assertEquals((byte) '/', s.get(ValueLayout.JAVA_BYTE, 2));
            assertEquals(0, s.get(ValueLayout.JAVA_BYTE, 2 + path.length), "terminating NUL");
            assertEquals(0, s.get(ValueLayout.JAVA_BYTE, 109), "rest of sun_path cleared");
            assertEquals("/tmp/a.sock", new String(SockaddrAbi.decodeUnix(s, 2 + path.length + 1)));
            assertEquals("/tmp/a.sock", new String(SockaddrAbi.decodeUnix(s, 110)), "up to the NUL");

            byte[] name = "svc".getBytes();
            assertEquals(2 + 1 + 3, SockaddrAbi.encodeUnix(name, true, s));
            assertEquals(0, s.get(ValueLayout.JAVA_BYTE, 2), "leading NUL");
            assertEquals((byte) 's', s.get(ValueLayout.JAVA_BYTE, 3));
            byte[] back = SockaddrAbi.decodeUnix(s, 6);
            assertEquals(4, back.length);
            assertEquals(0, back[0]);
            assertEquals("svc", new String(back, 1, 3));

            assertEquals(0, SockaddrAbi.decodeUnix(s, 2).length, "unnamed");
            assertEquals(null, SockaddrAbi.decodeUnix(s, 1));
            assertEquals(107, SockaddrAbi.encodeUnix(new byte[107], true, s) - 3);
            assertThrows(IllegalArgumentException.class, () -> SockaddrAbi.encodeUnix(new byte[108], false, s));
            assertThrows(IllegalArgumentException.class, () -> SockaddrAbi.encodeUnix(new byte[0], false, s));
            assertThrows(IllegalArgumentException.class, () -> SockaddrAbi.encodeUnix(new byte[]{'a', 0}, false, s));
            s.set(ValueLayout.JAVA_SHORT, 0, (short) SockaddrAbi.AF_INET);
            assertEquals(null, SockaddrAbi.decodeUnix(s, 16));
        }
    }
}
