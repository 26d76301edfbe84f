package io.ev4j.core.socket;

import io.ev4j.core.BackendKind;
import io.ev4j.core.ErrnoException;
import io.ev4j.core.sys.linux.Errno;
import io.ev4j.core.testutil.OpenFdCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static io.ev4j.core.socket.SocketOptions.Option.SO_LINGER;
import static io.ev4j.core.socket.SocketOptions.Option.SO_RCVBUF;
import static io.ev4j.core.socket.SocketOptions.Option.SO_SNDBUF;
import static io.ev4j.core.socket.SocketOptions.Option.TCP_NODELAY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// The Unix-domain stream socket contract on every backend: paths (and, on native backends,
/// Linux abstract names), half-close, options, typed errors naming the path, and the socket
/// file removed on close.
@Timeout(20)
@ExtendWith(OpenFdCheck.class)
class UnixSocketContractTest {
    private SocketFixture fx;
    @TempDir
    Path dir;

    static Stream<BackendKind> backends() {
        return SocketFixture.backends();
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

    private void exchangeWithHalfClose(UnixListener listener, UnixAddress address) throws IOException {
        UnixSocket client = track(fx.connected(UnixSocket.connect(fx.loop, address)));
        UnixSocket server = track(fx.<UnixSocket>accepted(listener));
        assertEquals(address, client.remoteAddress());
        assertEquals(address, server.localAddress());
        assertEquals(UnixAddress.UNNAMED, server.remoteAddress(), "the client never bound");
        assertEquals(UnixAddress.UNNAMED, client.localAddress());

        SocketFixture.writeAll(client, "ping");
        client.shutdownOutput();
        assertEquals("ping", fx.read(server, 64));
        assertEquals(-1, fx.readOnce(server));
        SocketFixture.writeAll(server, "pong after EOF");
        server.close();
        assertEquals("pong after EOF", fx.read(client, 64));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aPathListenerExchangesHalfClosesAndRemovesItsFileOnClose(BackendKind kind) throws IOException {
        fx = new SocketFixture(kind);
        Path path = dir.resolve("s.sock");
        UnixAddress address = UnixAddress.of(path);
        UnixListener listener = UnixListener.listen(fx.loop, address, 8);
        try {
            assertTrue(Files.exists(path), "bind made the socket file");
            assertEquals(address, listener.localAddress());
            exchangeWithHalfClose(listener, address);
        } finally {
            listener.close();
        }
        assertFalse(Files.exists(path), "close removed the socket file");
    }

    @ParameterizedTest
    @MethodSource("backends")
    void anAbstractNameWorksOnNativeBackendsAndIsRefusedClearlyOnNio(BackendKind kind) throws IOException {
        fx = new SocketFixture(kind);
        UnixAddress address = UnixAddress.ofAbstract("ev4j-test-" + ProcessHandle.current().pid() + "-" + kind);
        assertEquals("@" + address.name(), address.toString());
        if (!fx.isNative()) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> UnixListener.listen(fx.loop, address, 8));
            assertTrue(e.getMessage().contains("nio"), e.getMessage());
            assertThrows(UnsupportedOperationException.class, () -> UnixSocket.connect(fx.loop, address));
            return;
        }
        UnixListener listener = track(UnixListener.listen(fx.loop, address, 8));
        assertTrue(listener.localAddress().isAbstract());
        exchangeWithHalfClose(listener, address);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void errorsAreTypedAndNameThePath(BackendKind kind) throws IOException {
        fx = new SocketFixture(kind);
        UnixAddress missing = UnixAddress.of(dir.resolve("nobody-here.sock"));
        ErrnoException e = assertThrows(ErrnoException.class,
                () -> track(fx.connected(UnixSocket.connect(fx.loop, missing))));
        assertEquals(Errno.ENOENT, e.errno(), e.getMessage());
        assertEquals("connect", e.call());
        assertTrue(e.getMessage().contains(missing.name()), e.getMessage());

        Path taken = Files.createFile(dir.resolve("taken"));
        ErrnoException busy = assertThrows(ErrnoException.class,
                () -> UnixListener.listen(fx.loop, UnixAddress.of(taken), 8));
        assertEquals(Errno.EADDRINUSE, busy.errno(), busy.getMessage());
        assertEquals("bind", busy.call());
        assertTrue(busy.getMessage().contains(taken.toString()), busy.getMessage());
        assertTrue(Files.exists(taken), "a failed bind leaves someone else's file alone");
    }

    @ParameterizedTest
    @MethodSource("backends")
    void bufferSizesAndLingerApplyButTcpOptionsAreRefusedOnEveryBackend(BackendKind kind) throws IOException {
        fx = new SocketFixture(kind);
        UnixAddress address = UnixAddress.of(dir.resolve("o.sock"));
        SocketOptions opts = SocketOptions.NONE.withReceiveBufferBytes(70_000).withSendBufferBytes(90_000)
                .withLingerSeconds(2);
        UnixListener listener = track(UnixListener.listen(fx.loop, address, 8, opts));
        UnixSocket client = track(fx.connected(UnixSocket.connect(fx.loop, address, opts)));
        UnixSocket server = track(fx.<UnixSocket>accepted(listener));
        assertTrue(client.option(SO_RCVBUF) >= 70_000);
        assertTrue(client.option(SO_SNDBUF) >= 90_000);
        assertEquals(2, client.option(SO_LINGER));
        assertEquals(-1, server.option(SO_LINGER), "Linux passes no option of a unix listener on");

        UnsupportedSocketOptionException e = assertThrows(UnsupportedSocketOptionException.class,
                () -> client.apply(SocketOptions.NONE.withTcpNoDelay(true)));
        assertEquals(TCP_NODELAY, e.option());
        assertTrue(e.getMessage().contains("unix"), e.getMessage());
        assertThrows(UnsupportedSocketOptionException.class, () -> client.option(TCP_NODELAY));
        assertThrows(UnsupportedSocketOptionException.class, () -> UnixSocket.connect(fx.loop, address,
                SocketOptions.NONE.withKeepAlive(true)));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void badAddressesAreRejectedUpFront(BackendKind kind) {
        fx = new SocketFixture(kind);
        assertThrows(IllegalArgumentException.class, () -> UnixAddress.of(dir.resolve("x".repeat(120))));
        assertThrows(IllegalArgumentException.class, () -> UnixAddress.ofAbstract(""));
        assertThrows(IllegalArgumentException.class, () -> UnixSocket.connect(fx.loop, UnixAddress.UNNAMED));
        assertThrows(IllegalArgumentException.class, () -> UnixListener.listen(fx.loop, UnixAddress.UNNAMED, 1));
        assertThrows(IllegalArgumentException.class,
                () -> UnixListener.listen(fx.loop, UnixAddress.of(dir.resolve("z")), 0));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aFullBacklogFailsTheConnectAtOnceNamingThePath(BackendKind kind) throws IOException {
        fx = new SocketFixture(kind);
        UnixAddress address = UnixAddress.of(dir.resolve("b.sock"));
        track(UnixListener.listen(fx.loop, address, 1));
        ErrnoException full = null;
        for (int i = 0; i < 16 && full == null; i++) {
            try {
                track(UnixSocket.connect(fx.loop, address));
            } catch (ErrnoException e) {
                full = e;
            }
        }
        assertTrue(full != null, "a backlog of 1 does not take 16 connections");
        assertEquals(Errno.EAGAIN, full.errno(), full.getMessage());
        assertEquals("connect", full.call());
        assertTrue(full.getMessage().contains(address.name()), full.getMessage());
    }
}
