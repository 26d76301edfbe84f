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
}
