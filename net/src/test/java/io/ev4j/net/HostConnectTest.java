package io.ev4j.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ev4j.core.BackendKind;
import io.ev4j.core.ErrnoException;
import io.ev4j.core.Loop;
import io.ev4j.core.socket.TcpListener;
import io.ev4j.core.socket.TcpSocket;
import io.ev4j.core.sys.linux.Errno;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/// Connecting by host name: the lookup off the loop, each address in turn, the errors, a
/// close during the lookup, and the timeout that bounds it.
@Timeout(60)
@EnabledOnOs(OS.LINUX)
class HostConnectTest extends NetTestCase {
    private final List<String> events = new ArrayList<>();

    static Stream<BackendKind> backends() {
        return NetTesting.backends();
    }

    private BufferedConnection.EventCallback record() {
        return (c, ev) -> events.add(ConnectionEvents.toString(ev));
    }

    private static InetAddress ip(String literal) {
        return InetAddress.ofLiteral(literal);
    }

    /// A resolver the test answers by hand.
    private static final class ManualResolver implements HostResolver {
        final List<String> asked = new ArrayList<>();
        Loop loop;
        Callback pending;
        boolean cancelled;

        @Override
        public Lookup resolve(Loop loop, String host, Callback done) {
            this.loop = loop;
            asked.add(host);
            pending = done;
            loop.ref();
            return () -> {
                if (pending != null) {
                    cancelled = true;
                    pending = null;
                    loop.unref();
                }
            };
        }

        void answer(List<InetAddress> addresses, IOException error) {
            Callback done = pending;
            pending = null;
            loop.unref();
            done.resolved(addresses, error);
        }
    }

    /// Accepts one connection on `listener` while running the loop, wrapped to echo.
    private BufferedConnection acceptEcho(TcpListener listener) throws IOException {
        TcpSocket accepted = NetTesting.accept(loop, listener);
        BufferedConnection s = BufferedConnection.wrap(loop, pool, accepted, ConnectionOption.CLOSE_ON_FREE);
        s.setCallbacks(c -> c.output().append(c.input()), null, (c, ev) -> c.finishOutput());
        s.enableReading();
        return s;
    }

    @ParameterizedTest
    @MethodSource("backends")
    void connectsByNameWithTheSystemResolverAndSendsWhatWasWrittenBefore(BackendKind kind) throws IOException {
        loop = NetTesting.loop(kind);
        try (TcpListener listener = TcpListener.listen(loop, new InetSocketAddress(ip("127.0.0.1"), 0), 16)) {
            int port = ((InetSocketAddress) listener.localAddress()).getPort();
            BufferedConnection c = BufferedConnection.connect(loop, pool, "localhost", port);
            assertTrue(c.isConnecting());
            assertTrue(c.toString().contains("resolving localhost:" + port), c.toString());
            byte[] data = NetTesting.randomBytes(100_000, 7);
            c.output().append(data);                 // kept until an address connects
            ByteArrayOutputStream back = new ByteArrayOutputStream();
            c.setCallbacks(NetTesting.collectThenFinish(back, data.length), null, record());
            c.enableReading();
            BufferedConnection s = acceptEcho(listener);
            NetTesting.runUntil(loop, () -> events.contains("READING|EOF"), 20_000);
            assertEquals(List.of("CONNECTED", "READING|EOF"), events);
            assertArrayEquals(data, back.toByteArray());
            assertFalse(c.isConnecting());
            c.close();
            s.close();
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void triesTheNextAddressWhenOneRefuses(BackendKind kind) throws IOException {
        loop = NetTesting.loop(kind);
        try (TcpListener listener = TcpListener.listen(loop, new InetSocketAddress(ip("127.0.0.1"), 0), 16)) {
            int port = ((InetSocketAddress) listener.localAddress()).getPort();
            // nothing listens on 127.0.0.2 at that port: refused, then 127.0.0.1 takes it
            BufferedConnection c = BufferedConnection.connect(loop, pool,
                    NetTesting.answering(ip("127.0.0.2"), ip("127.0.0.1")), "echo.test", port, null);
            c.setCallbacks(null, null, record());
            BufferedConnection s = acceptEcho(listener);
            NetTesting.runUntil(loop, () -> !events.isEmpty(), 10_000);
            assertEquals(List.of("CONNECTED"), events);
            assertNull(c.lastError());
            c.close();
            s.close();
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void reportsTheFirstFailureWithTheLaterOnesSuppressed(BackendKind kind) throws IOException {
        loop = NetTesting.loop(kind);
        int port = NetTesting.deadAddress().getPort();
        BufferedConnection c = BufferedConnection.connect(loop, pool,
                NetTesting.answering(ip("127.0.0.2"), ip("127.0.0.3"), ip("127.0.0.1")), "nobody.test", port, null);
        c.setCallbacks(null, null, record());
        NetTesting.runUntil(loop, () -> !events.isEmpty(), 10_000);
        assertEquals(List.of("ERROR"), events);
        IOException e = c.lastError();
        assertRefused(e);
        assertTrue(e.getMessage().contains("127.0.0.2"), e.getMessage());
        assertEquals(2, e.getSuppressed().length, List.of(e.getSuppressed()).toString());
        for (Throwable later : e.getSuppressed()) {
            assertRefused(later);
        }
        assertFalse(c.isConnecting());
        c.close();
    }

    private static void assertRefused(Throwable e) {
        if (e instanceof ErrnoException errno) {
            assertEquals(Errno.ECONNREFUSED, errno.errno(), e.toString());
        } else {
            assertInstanceOf(java.net.ConnectException.class, e, String.valueOf(e));   // the portable backend
        }
    }

    @Test
    void reportsTheResolversErrorAndAnEmptyAnswer() throws IOException {
        loop = NetTesting.loop(BackendKind.EPOLL);
        ManualResolver resolver = new ManualResolver();
        BufferedConnection failed = BufferedConnection.connect(loop, pool, resolver, "no.such.test", 80, null);
        failed.setCallbacks(null, null, record());
        UnknownHostException unknown = new UnknownHostException("no.such.test");
        loop.runNoWait();
        assertEquals(List.of(), events, "nothing before the answer");
        resolver.answer(List.of(), unknown);
        assertEquals(List.of("ERROR"), events);
        assertSame(unknown, failed.lastError());
        assertFalse(failed.isConnecting());
        failed.close();

        events.clear();
        BufferedConnection empty = BufferedConnection.connect(loop, pool, resolver, "empty.test", 80, null);
        empty.setCallbacks(null, null, record());
        resolver.answer(List.of(), null);
        assertEquals(List.of("ERROR"), events);
        assertInstanceOf(UnknownHostException.class, empty.lastError());
        assertTrue(empty.lastError().getMessage().contains("empty.test"), empty.lastError().getMessage());
        empty.close();
        assertEquals(List.of("no.such.test", "empty.test"), resolver.asked);
    }

    @Test
    void aCloseDuringTheLookupCancelsItAndLeavesTheLoopEmpty() throws IOException {
        loop = NetTesting.loop(BackendKind.EPOLL);
        ManualResolver resolver = new ManualResolver();
        BufferedConnection c = BufferedConnection.connect(loop, pool, resolver, "slow.test", 80, null);
        c.setCallbacks(null, null, record());
        c.output().append(new byte[10]);
        assertEquals(1, loop.activeCount(), "the lookup keeps the loop going");
        c.close();
        assertTrue(resolver.cancelled);
        assertEquals(0, loop.activeCount());
        assertFalse(loop.run(), "nothing left to run");
        assertEquals(List.of(), events);
    }

    @Test
    void aLookupKeepsRunGoingUntilItIsAnswered() throws IOException {
        loop = NetTesting.loop(BackendKind.EPOLL);
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(ip("127.0.0.1"), 0), 4);   // the kernel completes the handshake
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            BufferedConnection c = BufferedConnection.connect(loop, pool, "localhost", port);
            c.setCallbacks(null, null, (conn, ev) -> {
                events.add(ConnectionEvents.toString(ev));
                conn.close();
            });
            loop.run();                              // returns once the connection closed itself
            assertEquals(List.of("CONNECTED"), events);
            assertTrue(c.isClosed());
        }
    }

    @Test
    void theWriteTimeoutBoundsTheLookup() throws IOException {
        loop = NetTesting.loop(BackendKind.EPOLL);
        ManualResolver resolver = new ManualResolver();
        BufferedConnection c = BufferedConnection.connect(loop, pool, resolver, "silent.test", 80, null);
        c.setTimeouts(Duration.ZERO, Duration.ofMillis(100));
        c.setCallbacks(null, null, record());
        NetTesting.runUntil(loop, () -> !events.isEmpty(), 10_000);
        assertEquals(List.of("WRITING|TIMEOUT"), events);
        c.close();
        assertTrue(resolver.cancelled);
    }

    @Test
    void anAnswerFromInsideResolveStillComesFromTheLoop() throws IOException {
        loop = NetTesting.loop(BackendKind.EPOLL);
        UnknownHostException unknown = new UnknownHostException("eager.test");
        HostResolver eager = (l, host, done) -> {
            done.resolved(List.of(), unknown);      // breaks the contract: answers at once
            return () -> { };
        };
        BufferedConnection c = BufferedConnection.connect(loop, pool, eager, "eager.test", 80, null);
        c.setCallbacks(null, null, record());       // set after connect returned: still in time
        NetTesting.runUntil(loop, () -> !events.isEmpty(), 10_000);
        assertEquals(List.of("ERROR"), events);
        assertSame(unknown, c.lastError());
        c.close();
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"127.0.0.1, 127.0.0.1", "::1, ::1", "::1, [::1]"})
    void aLiteralAddressNeedsNoResolver(String bind, String host) throws IOException {
        loop = NetTesting.loop(BackendKind.EPOLL);
        HostResolver never = (l, name, done) -> {
            throw new AssertionError("asked to resolve " + name);
        };
        try (TcpListener listener = TcpListener.listen(loop, new InetSocketAddress(ip(bind), 0), 16)) {
            int port = ((InetSocketAddress) listener.localAddress()).getPort();
            BufferedConnection c = BufferedConnection.connect(loop, pool, never, host, port, null);
            c.setCallbacks(null, null, record());
            BufferedConnection s = acceptEcho(listener);
            NetTesting.runUntil(loop, () -> !events.isEmpty(), 10_000);
            assertEquals(List.of("CONNECTED"), events);
            c.close();
            s.close();
        }
    }

    @Test
    void refusesAnEmptyHostAPortOutOfRangeAndNoResolver() {
        loop = NetTesting.loop(BackendKind.EPOLL);
        assertThrows(IllegalArgumentException.class, () -> BufferedConnection.connect(loop, pool, " ", 80));
        IllegalArgumentException port = assertThrows(IllegalArgumentException.class,
                () -> BufferedConnection.connect(loop, pool, "localhost", 65536));
        assertTrue(port.getMessage().contains("65536"), port.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BufferedConnection.connect(loop, pool, "localhost", -1));
        assertThrows(NullPointerException.class,
                () -> BufferedConnection.connect(loop, pool, null, "localhost", 80, null));
        assertThrows(NullPointerException.class, () -> BufferedConnection.connect(loop, pool, (String) null, 80));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void finishOutputBeforeTheConnectEndsTheStreamOnceConnected(BackendKind kind) throws IOException {
        loop = NetTesting.loop(kind);
        try (TcpListener listener = TcpListener.listen(loop, new InetSocketAddress(ip("127.0.0.1"), 0), 16)) {
            BufferedConnection c = BufferedConnection.connect(loop, pool, (InetSocketAddress) listener.localAddress());
            c.setCallbacks(null, null, record());
            c.finishOutput();                        // nothing to send: only the end of stream
            BufferedConnection s = acceptEcho(listener);
            List<String> serverEvents = new ArrayList<>();
            s.setCallbacks(null, null, (conn, ev) -> serverEvents.add(ConnectionEvents.toString(ev)));
            NetTesting.runUntil(loop, () -> serverEvents.contains("READING|EOF"), 10_000);
            assertTrue(events.contains("CONNECTED"), events.toString());
            c.close();
            s.close();
        }
    }
}
