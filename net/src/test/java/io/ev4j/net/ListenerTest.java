package io.ev4j.net;

import io.ev4j.core.BackendKind;
import io.ev4j.core.ErrnoException;
import io.ev4j.core.Loop;
import io.ev4j.core.TimerWatcher;
import io.ev4j.core.socket.SocketOptions;
import io.ev4j.core.socket.StreamSocket;
import io.ev4j.core.socket.TcpSocket;
import io.ev4j.core.socket.UnixAddress;
import io.ev4j.core.socket.UnixSocket;
import io.ev4j.core.socket.UnsupportedSocketOptionException;
import io.ev4j.core.sys.linux.Errno;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static io.ev4j.core.socket.SocketOptions.Option.SO_REUSEPORT;
import static io.ev4j.core.socket.SocketOptions.Option.TCP_DEFER_ACCEPT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/// The [Listener] on every backend: accepting with peer addresses, the per-wakeup bound,
/// enable/disable, options including `TCP_DEFER_ACCEPT`, Unix-domain listeners, a throwing
/// callback, and every descriptor closed again. Descriptor exhaustion is tested in its own
/// JVM by [ListenerFdExhaustionTest].
@Timeout(20)
class ListenerTest {
    private static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final List<StreamSocket> accepted = new ArrayList<>();
    private final List<SocketAddress> peers = new ArrayList<>();
    private final List<Throwable> loopErrors = new ArrayList<>();
    private Loop loop;
    private int fdsBefore;
    @TempDir
    Path dir;

    static Stream<BackendKind> backends() {
        return Arrays.stream(BackendKind.values()).filter(BackendKind::isAvailable);
    }

    @BeforeAll
    static void warmUp() throws IOException {
        // The JDK opens a few descriptors for good on first use of sockets; not ours to count.
        try (Socket s = new Socket()) {
            s.bind(ANY_LOOPBACK);
        }
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.bind(null);
        }
    }

    private void open(BackendKind kind) {
        fdsBefore = OpenFds.count();
        loop = Loop.builder().backend(kind).errorHandler((l, w, t) -> loopErrors.add(t)).build();
    }

    @AfterEach
    void everythingClosed() throws Exception {
        for (StreamSocket s : accepted) {
            s.close();
        }
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        if (loop != null) {
            assertEquals(0, loop.activeCount(), "watchers left active");
            loop.close();
            assertEquals(fdsBefore, OpenFds.count(), "descriptors left open");
        }
    }

    private <T extends AutoCloseable> T track(T c) {
        toClose.add(c);
        return c;
    }

    private <S extends StreamSocket> void collect(S socket, SocketAddress peer) {
        accepted.add(socket);
        peers.add(peer);
    }

    private void runUntil(BooleanSupplier done) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not done in 5 s");
            }
            loop.runOnce();
        }
    }

    private Socket client(Listener<TcpSocket> listener) throws IOException {
        return track(new Socket(InetAddress.getLoopbackAddress(),
                ((InetSocketAddress) listener.localAddress()).getPort()));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void acceptsEachConnectionWithItsPeerAddress(BackendKind kind) throws IOException {
        open(kind);
        Listener<TcpSocket> listener = track(Listener.tcp(loop, ANY_LOOPBACK).onAccept(this::collect).open());
        assertTrue(listener.isEnabled());
        Socket a = client(listener);
        Socket b = client(listener);
        runUntil(() -> accepted.size() == 2);
        assertEquals(List.of(a.getLocalSocketAddress(), b.getLocalSocketAddress()), peers);
        assertEquals(peers.get(0), accepted.get(0).remoteAddress());
        assertInstanceOf(TcpSocket.class, accepted.get(0));
        listener.close();
        listener.close();
        assertFalse(listener.isOpen());
        assertThrows(IllegalStateException.class, listener::enable);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void oneWakeupAcceptsAtMostTheConfiguredNumber(BackendKind kind) throws IOException {
        open(kind);
        Listener<TcpSocket> listener = track(Listener.tcp(loop, ANY_LOOPBACK).maxAcceptsPerWakeup(2)
                .onAccept(this::collect).open());
        for (int i = 0; i < 5; i++) {
            client(listener); // each connect returns once the kernel has queued the connection
        }
        runUntil(() -> !accepted.isEmpty());
        assertEquals(2, accepted.size(), "first wakeup");
        loop.runOnce();
        assertEquals(4, accepted.size(), "second wakeup");
        loop.runOnce();
        assertEquals(5, accepted.size(), "the rest");
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aDisabledListenerLeavesConnectionsInTheBacklogUntilEnabled(BackendKind kind) throws IOException {
        open(kind);
        Listener<TcpSocket> listener = track(Listener.tcp(loop, ANY_LOOPBACK).disabled()
                .onAccept(this::collect).open());
        assertFalse(listener.isEnabled());
        client(listener);
        loop.runNoWait();
        assertEquals(0, accepted.size(), "nothing accepted while disabled");
        listener.enable();
        runUntil(() -> accepted.size() == 1);
        listener.disable();
        client(listener);
        loop.runNoWait();
        assertEquals(1, accepted.size());
        listener.enable();
        runUntil(() -> accepted.size() == 2);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void optionsReachTheListeningSocketAndDeferAcceptNeedsANativeBackend(BackendKind kind) throws Exception {
        open(kind);
        Listener.Builder<TcpSocket> deferred = Listener.tcp(loop, ANY_LOOPBACK)
                .options(SocketOptions.LISTENER_DEFAULTS.withReusePort(true))
                .deferAcceptSeconds(2).backlog(4).onAccept(this::collect);
        if (!loop.watchesFds()) {
            assertThrows(UnsupportedSocketOptionException.class, deferred::open);
            Listener<TcpSocket> plain = track(Listener.tcp(loop, ANY_LOOPBACK)
                    .options(SocketOptions.LISTENER_DEFAULTS.withReusePort(true)).onAccept(this::collect).open());
            assertEquals(1, plain.socket().option(SO_REUSEPORT));
            return;
        }
        Listener<TcpSocket> listener = track(deferred.open());
        assertEquals(1, listener.socket().option(SO_REUSEPORT));
        assertTrue(listener.socket().option(TCP_DEFER_ACCEPT) >= 2);
        Socket quiet = client(listener);
        boolean[] waited = {false};
        new TimerWatcher(loop, (w, e) -> waited[0] = true).start(Duration.ofMillis(300), Duration.ZERO);
        runUntil(() -> waited[0]);
        assertEquals(0, accepted.size(), "no wakeup in 300 ms for a client that has sent nothing");
        quiet.getOutputStream().write('x');
        runUntil(() -> accepted.size() == 1);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aBusyAddressFailsTypedAndLeavesNothingOpen(BackendKind kind) throws IOException {
        open(kind);
        Listener<TcpSocket> first = track(Listener.tcp(loop, ANY_LOOPBACK).onAccept(this::collect).open());
        InetSocketAddress taken = (InetSocketAddress) first.localAddress();
        ErrnoException e = assertThrows(ErrnoException.class,
                () -> Listener.tcp(loop, taken).options(SocketOptions.NONE).onAccept(this::collect).open());
        assertEquals(Errno.EADDRINUSE, e.errno());
        assertTrue(e.getMessage().contains(":" + taken.getPort()), e.getMessage());
        assertThrows(IllegalStateException.class, () -> Listener.tcp(loop, ANY_LOOPBACK).open());
        assertThrows(IllegalArgumentException.class, () -> Listener.tcp(loop, ANY_LOOPBACK).maxAcceptsPerWakeup(0));
        assertThrows(IllegalArgumentException.class, () -> Listener.tcp(loop, ANY_LOOPBACK).backoffMs(0));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aUnixListenerAcceptsUnixClients(BackendKind kind) throws IOException {
        open(kind);
        Path path = dir.resolve("l.sock");
        Listener<UnixSocket> listener = track(Listener.unix(loop, UnixAddress.of(path))
                .onAccept(this::collect).open());
        track(SocketChannel.open(UnixDomainSocketAddress.of(path)));
        runUntil(() -> accepted.size() == 1);
        assertInstanceOf(UnixSocket.class, accepted.get(0));
        assertEquals(UnixAddress.UNNAMED, peers.get(0));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aThrowingAcceptCallbackGoesToTheLoopsErrorHandlerAndAcceptingGoesOn(BackendKind kind) throws IOException {
        open(kind);
        Listener<TcpSocket> listener = track(Listener.tcp(loop, ANY_LOOPBACK).onAccept((s, peer) -> {
            collect(s, peer);
            if (accepted.size() == 1) {
                throw new IllegalStateException("handler broke");
            }
        }).open());
        client(listener);
        runUntil(() -> accepted.size() == 1);
        assertEquals("handler broke", loopErrors.get(0).getMessage());
        Socket second = client(listener);
        runUntil(() -> accepted.size() == 2);
        assertTrue(listener.isEnabled());
        accepted.get(1).close();
        try (InputStream in = second.getInputStream()) {
            assertEquals(-1, in.read(), "the accepted socket was the callback's to close");
        }
    }
}
