package io.ev4j.core.sys.linux;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/// The socket ABI: constants, `struct sockaddr_in` / `sockaddr_in6`, and their conversion to
/// and from [InetSocketAddress].
///
/// ```java
/// int len = SockaddrAbi.encode(new InetSocketAddress("::1", 8080), scratch);  // 28
/// InetSocketAddress back = SockaddrAbi.decode(scratch, len);
/// ```
///
/// Constants come from `<bits/socket.h>`, `<bits/socket_type.h>`, `<sys/socket.h>`,
/// `<asm-generic/socket.h>`, `<netinet/in.h>`, `<bits/in.h>` and `<netinet/tcp.h>`; the
/// values are those of x86-64, AArch64 and RISC-V (MIPS, SPARC, Alpha differ: unsupported).
///
/// Ports (and the IPv4/IPv6 address bytes) are in network byte order; `sa_family` and
/// `sin6_scope_id` in host order. An IPv6 scope id is kept in both directions. Decoding an
/// IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) gives an [Inet4Address], as elsewhere in Java.
public final class SockaddrAbi {
    private SockaddrAbi() {
    }

    // <bits/socket.h>
    public static final int AF_UNIX = 1;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int MSG_NOSIGNAL = 0x4000;
    // <bits/socket_type.h>
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_NONBLOCK = 0x800;
    public static final int SOCK_CLOEXEC = 0x80000;
    // <sys/socket.h>
    public static final int SHUT_RD = 0;
    public static final int SHUT_WR = 1;
    public static final int SHUT_RDWR = 2;
    // <asm-generic/socket.h>
    public static final int SOL_SOCKET = 1;
    public static final int SO_REUSEADDR = 2;
    public static final int SO_ERROR = 4;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SO_KEEPALIVE = 9;
    public static final int SO_LINGER = 13;
    public static final int SO_REUSEPORT = 15;
    // <netinet/in.h>
    public static final int IPPROTO_TCP = 6;
    public static final int IPPROTO_IPV6 = 41;
    // <bits/in.h>
    public static final int IPV6_V6ONLY = 26;
    // <netinet/tcp.h>
    public static final int TCP_NODELAY = 1;
    public static final int TCP_KEEPIDLE = 4;
    public static final int TCP_KEEPINTVL = 5;
    public static final int TCP_KEEPCNT = 6;
    public static final int TCP_DEFER_ACCEPT = 9;

    private static final ValueLayout.OfShort PORT = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);

    /// `struct sockaddr_in`: 16 bytes; `sin_port` at 2, `sin_addr` at 4.
    public static final StructLayout SOCKADDR_IN = MemoryLayout.structLayout(
            ValueLayout.JAVA_SHORT.withName("sin_family"),
            PORT.withName("sin_port"),
            MemoryLayout.sequenceLayout(4, ValueLayout.JAVA_BYTE).withName("sin_addr"),
            MemoryLayout.sequenceLayout(8, ValueLayout.JAVA_BYTE).withName("sin_zero"));

    /// `struct sockaddr_in6`: 28 bytes; `sin6_port` at 2, `sin6_flowinfo` at 4, `sin6_addr` at
    /// 8, `sin6_scope_id` at 24.
    public static final StructLayout SOCKADDR_IN6 = MemoryLayout.structLayout(
            ValueLayout.JAVA_SHORT.withName("sin6_family"),
            PORT.withName("sin6_port"),
            ValueLayout.JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN).withName("sin6_flowinfo"),
            MemoryLayout.sequenceLayout(16, ValueLayout.JAVA_BYTE).withName("sin6_addr"),
            ValueLayout.JAVA_INT.withName("sin6_scope_id"));

    /// `struct sockaddr_un` (`<sys/un.h>`): 110 bytes; `sun_path` at 2, 108 bytes long.
    public static final StructLayout SOCKADDR_UN = MemoryLayout.structLayout(
            ValueLayout.JAVA_SHORT.withName("sun_family"),
            MemoryLayout.sequenceLayout(108, ValueLayout.JAVA_BYTE).withName("sun_path"));

    /// `struct linger` (`<bits/socket.h>`): `l_onoff` at 0, `l_linger` (seconds) at 4.
    public static final StructLayout LINGER = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("l_onoff"),
            ValueLayout.JAVA_INT.withName("l_linger"));

    /// `sizeof(struct sockaddr_storage)`: room for any address.
    public static final int SOCKADDR_STORAGE_SIZE = 128;

    private static final long UN_PATH = offset(SOCKADDR_UN, "sun_path");
    /// Room in `sun_path`: 108 bytes.
    public static final int UN_PATH_SIZE = (int) (SOCKADDR_UN.byteSize() - UN_PATH);
    private static final long IN_PORT = offset(SOCKADDR_IN, "sin_port");
    private static final long IN_ADDR = offset(SOCKADDR_IN, "sin_addr");
    private static final long IN6_PORT = offset(SOCKADDR_IN6, "sin6_port");
    private static final long IN6_ADDR = offset(SOCKADDR_IN6, "sin6_addr");
    private static final long IN6_SCOPE = offset(SOCKADDR_IN6, "sin6_scope_id");

    /// `AF_INET6` for an [Inet6Address], `AF_INET` otherwise.
    public static int family(InetAddress address) {
        return address instanceof Inet6Address ? AF_INET6 : AF_INET;
    }

    /// Writes `address` as a `sockaddr_in` or `sockaddr_in6` at offset 0 of `dst` (at least 28
    /// bytes) and returns its length (16 or 28).
    ///
    /// @throws IllegalArgumentException the address is unresolved
    public static int encode(InetSocketAddress address, MemorySegment dst) {
        InetAddress ip = address.getAddress();
        if (ip == null) {
            throw new IllegalArgumentException("address is unresolved: " + address);
        }
        byte[] bytes = ip.getAddress();
        short port = (short) address.getPort();
        if (ip instanceof Inet6Address v6) {
            dst.asSlice(0, SOCKADDR_IN6.byteSize()).fill((byte) 0);
            dst.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET6);
            dst.set(PORT, IN6_PORT, port);
            MemorySegment.copy(bytes, 0, dst, ValueLayout.JAVA_BYTE, IN6_ADDR, 16);
            dst.set(ValueLayout.JAVA_INT, IN6_SCOPE, v6.getScopeId());
            return (int) SOCKADDR_IN6.byteSize();
        }
        dst.asSlice(0, SOCKADDR_IN.byteSize()).fill((byte) 0);
        dst.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
        dst.set(PORT, IN_PORT, port);
        MemorySegment.copy(bytes, 0, dst, ValueLayout.JAVA_BYTE, IN_ADDR, 4);
        return (int) SOCKADDR_IN.byteSize();
    }

    /// Reads the `sockaddr_in` or `sockaddr_in6` at offset 0 of `src`, `length` bytes long as
    /// the kernel reported it; null for another family (or a truncated address).
    public static InetSocketAddress decode(MemorySegment src, int length) {
        if (length < 2) {
            return null;
        }
        int family = src.get(ValueLayout.JAVA_SHORT, 0) & 0xFFFF;
        try {
            if (family == AF_INET && length >= SOCKADDR_IN.byteSize()) {
                byte[] bytes = new byte[4];
                MemorySegment.copy(src, ValueLayout.JAVA_BYTE, IN_ADDR, bytes, 0, 4);
                int port = src.get(PORT, IN_PORT) & 0xFFFF;
                return new InetSocketAddress(InetAddress.getByAddress(bytes), port);
            }
            if (family == AF_INET6 && length >= SOCKADDR_IN6.byteSize()) {
                byte[] bytes = new byte[16];
                MemorySegment.copy(src, ValueLayout.JAVA_BYTE, IN6_ADDR, bytes, 0, 16);
                int port = src.get(PORT, IN6_PORT) & 0xFFFF;
                int scope = src.get(ValueLayout.JAVA_INT, IN6_SCOPE);
                InetAddress ip = scope != 0
                        ? Inet6Address.getByAddress(null, bytes, scope)
                        : InetAddress.getByAddress(bytes);
                return new InetSocketAddress(ip, port);
            }
        } catch (UnknownHostException impossible) {
            throw new AssertionError("address of the right length rejected", impossible);
        }
        return null;
    }

    private static long offset(StructLayout layout, String field) {
        return layout.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }

    /// Writes a `sockaddr_un` at offset 0 of `dst` and returns its length. `name` is the path's
    /// bytes without a terminating NUL, or for a Linux abstract name its bytes after the
    /// leading NUL. A path gets a terminating NUL (length `2 + n + 1`); an abstract name does
    /// not (length `2 + 1 + n`), since its length alone delimits it.
    ///
    /// @throws IllegalArgumentException the name is empty, holds a NUL (a path), or does not fit
    public static int encodeUnix(byte[] name, boolean abstractName, MemorySegment dst) {
        int room = UN_PATH_SIZE - 1; // one NUL: before an abstract name, after a path
        if (name.length == 0 || name.length > room) {
            throw new IllegalArgumentException("unix socket name must be 1.." + room + " bytes, got "
                    + name.length);
        }
        if (!abstractName) {
            for (byte b : name) {
                if (b == 0) {
                    throw new IllegalArgumentException("unix socket path holds a NUL byte");
                }
            }
        }
        dst.asSlice(0, SOCKADDR_UN.byteSize()).fill((byte) 0);
        dst.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
        MemorySegment.copy(name, 0, dst, ValueLayout.JAVA_BYTE, UN_PATH + (abstractName ? 1 : 0), name.length);
        return (int) UN_PATH + 1 + name.length;
    }

    /// The `sun_path` of the `sockaddr_un` at offset 0 of `src`, `length` bytes long as the
    /// kernel reported it: an empty array for an unnamed socket; for an abstract name the
    /// bytes *including* the leading NUL; for a path its bytes up to (not including) the first
    /// NUL. Null if the family is not `AF_UNIX`.
    public static byte[] decodeUnix(MemorySegment src, int length) {
        if (length < 2 || (src.get(ValueLayout.JAVA_SHORT, 0) & 0xFFFF) != AF_UNIX) {
            return null;
        }
        int n = Math.min(length, (int) SOCKADDR_UN.byteSize()) - (int) UN_PATH;
        if (n > 0 && src.get(ValueLayout.JAVA_BYTE, UN_PATH) != 0) {
            int end = 0;
            while (end < n && src.get(ValueLayout.JAVA_BYTE, UN_PATH + end) != 0) {
                end++;
            }
            n = end;
        }
        byte[] bytes = new byte[Math.max(n, 0)];
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, UN_PATH, bytes, 0, bytes.length);
        return bytes;
    }

    /// The address family of the address at offset 0 of `src`, or -1 if `length` is too short.
    public static int familyOf(MemorySegment src, int length) {
        return length < 2 ? -1 : src.get(ValueLayout.JAVA_SHORT, 0) & 0xFFFF;
    }
}
