package io.ev4j.core.socket;

import io.ev4j.core.BackendKind;
import io.ev4j.core.ErrnoException;
import io.ev4j.core.sys.linux.Errno;
import io.ev4j.core.testutil.OpenFdCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.stream.Stream;

import static io.ev4j.core.socket.SocketOptions.Option.IPV6_V6ONLY;
import static io.ev4j.core.socket.SocketOptions.Option.SO_KEEPALIVE;
import static io.ev4j.core.socket.SocketOptions.Option.SO_LINGER;
import static io.ev4j.core.socket.SocketOptions.Option.SO_RCVBUF;
import static io.ev4j.core.socket.SocketOptions.Option.SO_REUSEADDR;
import static io.ev4j.core.socket.SocketOptions.Option.SO_REUSEPORT;
import static io.ev4j.core.socket.SocketOptions.Option.SO_SNDBUF;
import static io.ev4j.core.socket.SocketOptions.Option.TCP_DEFER_ACCEPT;
import static io.ev4j.core.socket.SocketOptions.Option.TCP_KEEPCNT;
import static io.ev4j.core.socket.SocketOptions.Option.TCP_KEEPIDLE;
import static io.ev4j.core.socket.SocketOptions.Option.TCP_KEEPINTVL;
import static io.ev4j.core.socket.SocketOptions.Option.TCP_NODELAY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// The TCP socket contract, run on every backend available here (epoll, poll, nio): real
/// loopback connections, options read back with `getsockopt`, typed errors; [OpenFdCheck]
/// fails a test that leaks a descriptor.
@Timeout(20)
@ExtendWith(OpenFdCheck.class)
class TcpSocketContractTest {
    private SocketFixture fx;

    static Stream<BackendKind> backends() {
        return SocketFixture.backends();
    }

    private SocketFixture open(BackendKind kind) {
        fx = new SocketFixture(kind);
        return fx;
    }

    private <T extends AutoCloseable> T track(T c) {
        return fx.track(c);
    }

    @AfterEach
    void closeAllAndLeaveTheLoopEmpty() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }

    static Stream<Object[]> backendsAndHosts() {
        return backends().flatMap(k -> Stream.of(new Object[]{k, "127.0.0.1"}, new Object[]{k, "::1"}));
    }

    @ParameterizedTest
    @MethodSource("backendsAndHosts")
    void halfCloseLetsThePeerReadEndOfStreamAndStillWriteBack(BackendKind kind, String host) throws IOException {
        open(kind);
        TcpListener listener = track(fx.listen(host, SocketOptions.LISTENER_DEFAULTS));
        TcpSocket client = track(fx.connected(TcpSocket.connect(fx.loop, listener.localAddress())));
        TcpSocket server = track(fx.<TcpSocket>accepted(listener));
        assertEquals(InetAddress.getByName(host), server.localAddress().getAddress());
        assertEquals(client.localAddress(), server.remoteAddress());

        SocketFixture.writeAll(client, "request");
        client.shutdownOutput();
        assertEquals("request", fx.read(server, 100), "all data, then end of stream");
        assertEquals(-1, fx.readOnce(server), "end of stream stays");
        SocketFixture.writeAll(server, "reply after EOF");
        server.shutdownOutput();
        assertEquals("reply after EOF", fx.read(client, 100));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void optionsGivenAtConnectReadBackFromTheKernel(BackendKind kind) throws IOException {
        open(kind);
        TcpListener listener = track(fx.listen("127.0.0.1", SocketOptions.LISTENER_DEFAULTS));
        SocketOptions opts = SocketOptions.NONE.withTcpNoDelay(true).withKeepAlive(61, 11, 7)
                .withReceiveBufferBytes(96 * 1024).withSendBufferBytes(80 * 1024)
                .withLingerSeconds(3).withReuseAddress(true);
        TcpSocket client = track(fx.connected(TcpSocket.connect(fx.loop, listener.localAddress(), opts)));
        track(fx.<TcpSocket>accepted(listener));
        assertEquals(1, client.option(TCP_NODELAY));
        assertEquals(1, client.option(SO_KEEPALIVE));
        assertEquals(61, client.option(TCP_KEEPIDLE));
        assertEquals(11, client.option(TCP_KEEPINTVL));
        assertEquals(7, client.option(TCP_KEEPCNT));
        assertEquals(3, client.option(SO_LINGER));
        assertEquals(1, client.option(SO_REUSEADDR));
        assertTrue(client.option(SO_RCVBUF) >= 96 * 1024, "Linux doubles what it is given");
        assertTrue(client.option(SO_SNDBUF) >= 80 * 1024);

        client.apply(SocketOptions.NONE.withTcpNoDelay(false).withKeepAlive(false).withLingerSeconds(-1));
        assertEquals(0, client.option(TCP_NODELAY));
        assertEquals(0, client.option(SO_KEEPALIVE));
        assertEquals(-1, client.option(SO_LINGER));
        client.setTcpNoDelay(true);
        assertEquals(1, client.option(TCP_NODELAY));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void acceptedSocketsGetTheListenersOptions(BackendKind kind) throws IOException {
        open(kind);
        SocketOptions opts = SocketOptions.LISTENER_DEFAULTS.withReusePort(true).withTcpNoDelay(true)
                .withKeepAlive(33, 4, 5).withLingerSeconds(0);
        TcpListener listener = track(fx.listen("127.0.0.1", opts));
        assertEquals(1, listener.option(SO_REUSEADDR));
        assertEquals(1, listener.option(SO_REUSEPORT));
        assertEquals(kind.backendName(), listener.backendName());
        track(fx.connected(TcpSocket.connect(fx.loop, listener.localAddress())));
        TcpSocket server = track(fx.<TcpSocket>accepted(listener));
        assertEquals(1, server.option(TCP_NODELAY));
        assertEquals(1, server.option(SO_KEEPALIVE));
        assertEquals(33, server.option(TCP_KEEPIDLE));
        assertEquals(0, server.option(SO_LINGER));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void reusePortLetsTwoListenersShareAPortAndWithoutItTheBindNamesTheBusyAddress(BackendKind kind)
            throws IOException {
        open(kind);
        SocketOptions shared = SocketOptions.NONE.withReusePort(true);
        TcpListener first = track(fx.listen("127.0.0.1", shared));
        TcpListener second = track(TcpListener.listen(fx.loop, first.localAddress(), 8, shared));
        assertEquals(first.localAddress(), second.localAddress());

        ErrnoException e = assertThrows(ErrnoException.class,
                () -> TcpListener.listen(fx.loop, first.localAddress(), 8));
        assertEquals(Errno.EADDRINUSE, e.errno());
        assertEquals("bind", e.call());
        assertTrue(e.getMessage().contains("127.0.0.1:" + first.localAddress().getPort()), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aRefusedConnectIsTypedAndNamesTheAddress(BackendKind kind) throws IOException {
        open(kind);
        InetSocketAddress closed;
        try (TcpListener l = fx.listen("127.0.0.1", SocketOptions.NONE)) {
            closed = l.localAddress();
        }
        TcpSocket client;
        try {
            client = track(TcpSocket.connect(fx.loop, closed));
        } catch (ErrnoException atOnce) {
            assertEquals(Errno.ECONNREFUSED, atOnce.errno());
            return;
        }
        ErrnoException e = assertThrows(ErrnoException.class, () -> fx.connected(client));
        assertEquals(Errno.ECONNREFUSED, e.errno());
        assertEquals("ECONNREFUSED", e.errnoName());
        assertEquals("connect", e.call());
        assertTrue(e.getMessage().contains("127.0.0.1:" + closed.getPort()), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("backends")
    void lingerZeroMakesCloseAbortiveAndThePeerSeesAReset(BackendKind kind) throws IOException {
        open(kind);
        TcpListener listener = track(fx.listen("127.0.0.1", SocketOptions.LISTENER_DEFAULTS));
        TcpSocket client = track(fx.connected(TcpSocket.connect(fx.loop, listener.localAddress())));
        TcpSocket server = fx.accepted(listener);
        server.apply(SocketOptions.NONE.withLingerSeconds(0));
        SocketFixture.writeAll(client, "unread by the server");
        server.close();
        ErrnoException e = assertThrows(ErrnoException.class, () -> fx.readOnce(client));
        assertEquals(Errno.ECONNRESET, e.errno(), e.getMessage());
        assertEquals("read", e.call());
    }

    @ParameterizedTest
    @MethodSource("backends")
    void ipv6OnlyAndDeferAcceptOnNativeBackendsAndATypedRefusalOnNio(BackendKind kind) throws IOException {
        open(kind);
        SocketOptions v6only = SocketOptions.LISTENER_DEFAULTS.withIpv6Only(true);
        SocketOptions defer = SocketOptions.LISTENER_DEFAULTS.withDeferAcceptSeconds(5);
        if (!fx.isNative()) {
            UnsupportedSocketOptionException e = assertThrows(UnsupportedSocketOptionException.class,
                    () -> fx.listen("::", v6only));
            assertEquals(IPV6_V6ONLY, e.option());
            assertTrue(e.getMessage().contains("nio"), e.getMessage());
            e = assertThrows(UnsupportedSocketOptionException.class, () -> fx.listen("127.0.0.1", defer));
            assertEquals(TCP_DEFER_ACCEPT, e.option());
            TcpListener l = track(fx.listen("127.0.0.1", SocketOptions.LISTENER_DEFAULTS));
            assertThrows(UnsupportedSocketOptionException.class, () -> l.option(IPV6_V6ONLY));
            return;
        }
        TcpListener deferring = track(fx.listen("127.0.0.1", defer));
        assertTrue(deferring.option(TCP_DEFER_ACCEPT) >= 5, "rounded up to a retransmission step");

        TcpListener only6 = track(fx.listen("::", v6only));
        assertEquals(1, only6.option(IPV6_V6ONLY));
        int port = only6.localAddress().getPort();
        TcpSocket v4 = track(TcpSocket.connect(fx.loop, new InetSocketAddress("127.0.0.1", port)));
        ErrnoException refused = assertThrows(ErrnoException.class, () -> fx.connected(v4));
        assertEquals(Errno.ECONNREFUSED, refused.errno(), "a v6-only listener takes no IPv4 client");

        TcpListener dual = track(fx.listen("::", SocketOptions.LISTENER_DEFAULTS.withIpv6Only(false)));
        assertEquals(0, dual.option(IPV6_V6ONLY));
        TcpSocket mapped = track(fx.connected(TcpSocket.connect(fx.loop,
                new InetSocketAddress("127.0.0.1", dual.localAddress().getPort()))));
        TcpSocket server = track(fx.<TcpSocket>accepted(dual));
        assertEquals(mapped.localAddress(), server.remoteAddress(), "IPv4-mapped peer decodes as IPv4");
    }

    @ParameterizedTest
    @MethodSource("backends")
    void badOptionsFailBeforeAnySocketIsOpened(BackendKind kind) throws IOException {
        open(kind);
        assertThrows(IllegalArgumentException.class, () -> SocketOptions.NONE.withKeepAlive(0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> SocketOptions.NONE.withLingerSeconds(-2));
        assertThrows(IllegalArgumentException.class, () -> SocketOptions.NONE.with(TCP_NODELAY, 2));
        assertThrows(IllegalArgumentException.class, () -> SocketOptions.NONE.withReceiveBufferBytes(0));
        InetSocketAddress v4 = new InetSocketAddress("127.0.0.1", 1);
        // IPV6_V6ONLY on an IPv4 socket: the kernel refuses it, the socket is closed again.
        if (fx.isNative()) {
            ErrnoException e = assertThrows(ErrnoException.class,
                    () -> TcpSocket.connect(fx.loop, v4, SocketOptions.NONE.withIpv6Only(true)));
            assertEquals("setsockopt", e.call());
            assertTrue(e.getMessage().contains("IPV6_V6ONLY"), e.getMessage());
        } else {
            assertThrows(UnsupportedSocketOptionException.class,
                    () -> TcpSocket.connect(fx.loop, v4, SocketOptions.NONE.withIpv6Only(true)));
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void closedSocketsRefuseCallsAndCloseTwiceIsHarmless(BackendKind kind) throws IOException {
        open(kind);
        TcpListener listener = fx.listen("127.0.0.1", SocketOptions.LISTENER_DEFAULTS);
        TcpSocket client = fx.connected(TcpSocket.connect(fx.loop, listener.localAddress()));
        client.close();
        client.close();
        listener.close();
        listener.close();
        assertFalse(client.isOpen());
        assertFalse(listener.isOpen());
        IOException e = assertThrows(IOException.class, () -> client.option(TCP_NODELAY));
        assertInstanceOf(java.nio.channels.ClosedChannelException.class, e);
        assertThrows(java.nio.channels.ClosedChannelException.class, () -> client.read(java.nio.ByteBuffer.allocate(1)));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void optionValuesPrintAndCompare(BackendKind kind) {
        open(kind);
        SocketOptions a = SocketOptions.NONE.withTcpNoDelay(true).withLingerSeconds(0);
        assertEquals("SocketOptions[TCP_NODELAY=1, SO_LINGER=0]", a.toString());
        assertEquals(a, SocketOptions.NONE.withLingerSeconds(0).withTcpNoDelay(true));
        assertEquals(SocketOptions.NONE, a.without(TCP_NODELAY).without(SO_LINGER));
        assertTrue(SocketOptions.NONE.isEmpty());
        assertThrows(IllegalStateException.class, () -> SocketOptions.NONE.value(TCP_NODELAY));
    }
}
