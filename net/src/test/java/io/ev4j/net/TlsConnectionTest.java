package io.ev4j.net;

import static io.ev4j.net.ConnectionEvents.CONNECTED;
import static io.ev4j.net.ConnectionEvents.EOF;
import static io.ev4j.net.ConnectionEvents.ERROR;
import static io.ev4j.net.ConnectionEvents.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ev4j.core.BackendKind;
import io.ev4j.core.socket.TcpListener;
import io.ev4j.core.socket.TcpSocket;
import io.ev4j.net.tls.SelfSignedCertificate;
import io.ev4j.net.tls.TlsConfig;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/// TLS connections between two ev4j ends over loopback TCP, on every backend.
@Timeout(60)
@EnabledOnOs(OS.LINUX)
class TlsConnectionTest extends NetTestCase {
    @TempDir
    static Path dir;
    static SelfSignedCertificate cert;

    private final List<String> events = new ArrayList<>();

    static Stream<BackendKind> backends() {
        return NetTesting.backends();
    }

    @BeforeAll
    static void makeCertificate() throws IOException {
        cert = SelfSignedCertificate.create(dir, "localhost");
    }

    private BufferedConnection.EventCallback record(String who) {
        return (c, ev) -> events.add(who + ":" + ConnectionEvents.toString(ev));
    }

    private TlsConfig client() throws IOException {
        return TlsConfig.client(cert.trustingClientContext()).serverName("localhost");
    }

    private TlsConfig server() throws IOException {
        return TlsConfig.server(cert.serverContext());
    }

    /// A TLS client connecting to a TLS server accepted from a fresh listener, both on `loop`.
    private NetTesting.Connected connectTls(TlsConfig clientTls, TlsConfig serverTls) throws IOException {
        try (TcpListener listener = TcpListener.listen(loop, NetTesting.loopback(0), 16)) {
            BufferedConnection c = BufferedConnection.connect(loop, pool, listener.localAddress(), clientTls);
            TcpSocket accepted;
            long deadline = System.nanoTime() + 5_000_000_000L;
            while ((accepted = listener.accept()) == null) {
                assertTrue(System.nanoTime() < deadline, "no connection accepted");
                loop.runNoWait();
            }
            BufferedConnection s = BufferedConnection.wrap(loop, pool, accepted, serverTls, ConnectionOption.CLOSE_ON_FREE);
            return new NetTesting.Connected(c, s);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void echoesAMegabyteWithAlpnAndSniThenShutsDownCleanly(BackendKind kind) throws IOException {
        loop = NetTesting.loop(kind);
        var cs = connectTls(client().applicationProtocols("h2", "http/1.1"), server().applicationProtocols("http/1.1"));
        byte[] data = NetTesting.randomBytes(1 << 20, 3);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        cs.server().setCallbacks(c -> c.output().append(c.input()), null, (c, ev) -> {
            record("server").onEvent(c, ev);
            if (ConnectionEvents.has(ev, CONNECTED)) {
                c.enableReading();
            } else if (ConnectionEvents.has(ev, EOF)) {
                c.finishOutput();                   // our close_notify back, then FIN
            }
        });
        cs.client().setCallbacks(NetTesting.collectThenFinish(received, data.length), null, (c, ev) -> {
            record("client").onEvent(c, ev);
            if (ConnectionEvents.has(ev, CONNECTED)) {
                c.enableReading();
            }
        });
        cs.client().output().append(data);          // before the handshake: waits for it
        NetTesting.runUntil(loop, () -> events.contains("client:READING|EOF"), 20_000);
        assertArrayEquals(data, received.toByteArray());
        assertEquals(4, events.size(), events.toString());
        assertEquals(java.util.Set.of("client:CONNECTED", "server:CONNECTED", "server:READING|EOF", "client:READING|EOF"),
                java.util.Set.copyOf(events));
        assertEquals("http/1.1", cs.client().tlsSession().applicationProtocol());
        assertEquals("http/1.1", cs.server().tlsSession().applicationProtocol());
        var names = ((ExtendedSSLSession) cs.server().tlsSession().engine().getSession()).getRequestedServerNames();
        assertEquals(List.of(new SNIHostName("localhost")), names);
        assertTrue(cs.client().tlsSession().isInboundDone(), "the server's close_notify arrived");
        cs.closeBoth();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aPeerThatNeverAnswersTheHandshakeTimesOut(BackendKind kind) throws IOException {
        loop = NetTesting.loop(kind);
        try (TcpListener listener = TcpListener.listen(loop, NetTesting.loopback(0), 16)) {
            BufferedConnection c = BufferedConnection.connect(loop, pool, listener.localAddress(),
                    client().handshakeTimeout(Duration.ofMillis(200)));
            c.setCallbacks(null, null, record("client"));
            TcpSocket silent;
            while ((silent = listener.accept()) == null) {
                loop.runNoWait();
            }
            try (TcpSocket held = silent) {
                NetTesting.runUntil(loop, () -> !events.isEmpty(), 10_000);
                assertEquals(List.of("client:ERROR|TIMEOUT"), events);
                assertInstanceOf(SSLHandshakeException.class, c.lastError());
                assertTrue(c.lastError().getMessage().contains("200 ms"), c.lastError().getMessage());
                assertNotNull(held);
            } finally {
                c.close();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void anUntrustedServerFailsTheHandshakeOnBothEnds(BackendKind kind) throws Exception {
        loop = NetTesting.loop(kind);
        javax.net.ssl.SSLContext defaults = javax.net.ssl.SSLContext.getInstance("TLS");
        defaults.init(null, null, null);
        var cs = connectTls(TlsConfig.client(defaults).serverName("localhost"), server());
        cs.client().setCallbacks(null, null, record("client"));
        cs.server().setCallbacks(null, null, record("server"));
        NetTesting.runUntil(loop, () -> events.size() == 2, 10_000);
        assertTrue(events.contains("client:READING|ERROR") || events.contains("client:WRITING|ERROR"), events.toString());
        assertTrue(events.stream().anyMatch(e -> e.startsWith("server:") && (e.contains("ERROR") || e.contains("EOF"))),
                events.toString());
        assertInstanceOf(SSLException.class, cs.client().lastError());
        cs.closeBoth();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void recordsLargerThanTheReadHighWatermarkNeverStall(BackendKind kind) throws IOException {
        loop = NetTesting.loop(kind);
        var cs = connectTls(client(), server());
        byte[] data = NetTesting.randomBytes(300_000, 4);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        cs.server().setCallbacks(null, null, (c, ev) -> {
            if (ConnectionEvents.has(ev, CONNECTED)) {
                c.output().append(data);            // 16 KiB records, each far above the watermark
            }
        });
        cs.client().setReadWatermarks(0, 1000);
        cs.client().setCallbacks(c -> {
            byte[] b = new byte[(int) Math.min(700, c.input().length())];   // takes a little at a time
            c.input().read(b, 0, b.length);
            received.writeBytes(b);
        }, null, (c, ev) -> {
            if (ConnectionEvents.has(ev, CONNECTED)) {
                c.enableReading();
            }
        });
        var later = new io.ev4j.core.TimerWatcher(loop, (w, ev) -> {   // the application catches up later
            byte[] some = new byte[(int) Math.min(700, cs.client().input().length())];
            cs.client().input().read(some, 0, some.length);
            received.writeBytes(some);
        });
        later.start(1_000_000L, 1_000_000L);
        NetTesting.runUntil(loop, () -> received.size() == data.length, 20_000);
        later.stop();
        assertArrayEquals(data, received.toByteArray());
        cs.closeBoth();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aStreamCutShortIsAnErrorUnlessDirtyShutdownsAreAllowed(BackendKind kind) throws IOException {
        loop = NetTesting.loop(kind);
        for (boolean allow : new boolean[] {false, true}) {
            events.clear();
            var cs = connectTls(client().allowDirtyShutdown(allow), server());
            cs.client().setCallbacks(null, null, (c, ev) -> {
                record("client").onEvent(c, ev);
                if (ConnectionEvents.has(ev, CONNECTED)) {
                    c.enableReading();
                }
            });
            cs.server().setCallbacks(null, null, (c, ev) -> {
                if (ConnectionEvents.has(ev, CONNECTED)) {
                    c.output().append(new byte[] {'x'});
                }
            });
            NetTesting.runUntil(loop, () -> cs.client().input().length() == 1, 10_000);
            serverSocketCloseWithoutCloseNotify(cs.server());
            NetTesting.runUntil(loop, () -> events.size() == 2, 10_000);
            if (allow) {
                assertEquals("client:READING|EOF", events.get(1));
            } else {
                assertEquals("client:READING|ERROR", events.get(1));
                assertTrue(cs.client().lastError().getMessage().contains("close_notify"), cs.client().lastError().getMessage());
            }
            cs.client().close();
        }
    }

    /// Ends the TCP stream under a TLS connection as a crashed peer would: FIN, no close_notify.
    private static void serverSocketCloseWithoutCloseNotify(BufferedConnection server) throws IOException {
        ((TlsTransport) server.transport()).raw().shutdownOutput();
        server.close();
    }
    @ParameterizedTest
    @MethodSource("backends")
    void aConnectByHostNameFailsWhenTheCertificateDoesNotNameTheHost(BackendKind kind) throws IOException {
        loop = NetTesting.loop(kind);
        try (TcpListener listener = TcpListener.listen(loop, NetTesting.loopback(0), 16)) {
            int port = ((java.net.InetSocketAddress) listener.localAddress()).getPort();
            BufferedConnection c = BufferedConnection.connect(loop, pool, NetTesting.answering(java.net.InetAddress.getLoopbackAddress()), "elsewhere.test", port,
                    TlsConfig.client(cert.trustingClientContext()));
            c.setCallbacks(null, null, record("client"));
            TcpSocket accepted = NetTesting.accept(loop, listener);
            BufferedConnection s = BufferedConnection.wrap(loop, pool, accepted, server(), ConnectionOption.CLOSE_ON_FREE);
            s.setCallbacks(null, null, (conn, ev) -> conn.close());
            NetTesting.runUntil(loop, () -> !events.isEmpty(), 10_000);
            assertEquals(1, events.size(), events.toString());
            assertTrue(events.get(0).startsWith("client:") && events.get(0).contains("ERROR"), events.toString());
            assertInstanceOf(SSLHandshakeException.class, c.lastError(), String.valueOf(c.lastError()));
            c.close();
            s.close();
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aConnectByHostNameNamesAndChecksTheServerAfterTheHost(BackendKind kind) throws IOException {
        loop = NetTesting.loop(kind);
        try (TcpListener listener = TcpListener.listen(loop, NetTesting.loopback(0), 16)) {
            int port = ((java.net.InetSocketAddress) listener.localAddress()).getPort();
            // no serverName in the config: the host name given to connect is the one checked
            BufferedConnection c = BufferedConnection.connect(loop, pool, NetTesting.answering(java.net.InetAddress.getLoopbackAddress()), "localhost", port,
                    TlsConfig.client(cert.trustingClientContext()));
            c.setCallbacks(null, null, record("client"));
            TcpSocket accepted = NetTesting.accept(loop, listener);
            BufferedConnection s = BufferedConnection.wrap(loop, pool, accepted, server(), ConnectionOption.CLOSE_ON_FREE);
            s.setCallbacks(null, null, record("server"));
            NetTesting.runUntil(loop, () -> events.size() == 2, 10_000);
            assertEquals(java.util.Set.of("client:CONNECTED", "server:CONNECTED"), java.util.Set.copyOf(events));
            var names = ((ExtendedSSLSession) s.tlsSession().engine().getSession()).getRequestedServerNames();
            assertEquals(List.of(new SNIHostName("localhost")), names);
            c.close();
            s.close();
        }
    }
}
