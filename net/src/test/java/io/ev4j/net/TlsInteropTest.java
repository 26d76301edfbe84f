package io.ev4j.net;

import static io.ev4j.net.ConnectionEvents.CONNECTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ev4j.core.BackendKind;
import io.ev4j.core.Loop;
import io.ev4j.core.socket.TcpListener;
import io.ev4j.core.socket.TcpSocket;
import io.ev4j.net.buffer.SegmentPool;
import io.ev4j.net.tls.SelfSignedCertificate;
import io.ev4j.net.tls.TlsConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/// TLS connections against the distribution's `openssl s_server` and `s_client`, with a
/// certificate made at test time; skipped where no `openssl` program is installed.
@Timeout(60)
@EnabledOnOs(OS.LINUX)
class TlsInteropTest {
    @TempDir
    static Path dir;
    static SelfSignedCertificate cert;
    static Path[] pem;

    private final SegmentPool pool = new SegmentPool();
    private final List<String> events = new ArrayList<>();
    private int fdsBefore;
    private Loop loop;

    @BeforeAll
    static void makeCertificate() throws IOException {
        OpensslPeer.openssl();
        cert = SelfSignedCertificate.create(dir, "localhost");
        pem = cert.writePem(dir);
    }

    @BeforeEach
    void countFds() {
        fdsBefore = NetTesting.openFds();
    }

    @AfterEach
    void checkEmpty() {
        NetTesting.closeAndCheckClean(loop, pool, fdsBefore);
    }

    @Test
    void ourClientTalksToOpensslServer() throws Exception {
        loop = Loop.create();
        try (OpensslPeer server = OpensslPeer.server(pem, "-alpn", "http/1.1")) {
            int port = server.awaitPort();
            StringBuilder received = new StringBuilder();
            TlsConfig tls = TlsConfig.client(cert.trustingClientContext()).serverName("localhost")
                    .applicationProtocols("h2", "http/1.1");
            BufferedConnection c = BufferedConnection.connect(loop, pool, NetTesting.loopback(port), tls);
            c.setCallbacks(conn -> {
                byte[] b = new byte[(int) conn.input().length()];
                conn.input().read(b, 0, b.length);
                received.append(new String(b, StandardCharsets.US_ASCII));
            }, null, (conn, ev) -> {
                events.add(ConnectionEvents.toString(ev));
                if (ConnectionEvents.has(ev, CONNECTED)) {
                    conn.enableReading();
                    conn.output().append("hello from ev4j\n".getBytes(StandardCharsets.US_ASCII));
                }
            });
            NetTesting.runUntil(loop, () -> server.output().contains("hello from ev4j"), 20_000);
            assertEquals("http/1.1", c.tlsSession().applicationProtocol());
            server.send("hi from openssl\n");
            NetTesting.runUntil(loop, () -> received.toString().contains("hi from openssl"), 20_000);
            c.finishOutput();                                   // close_notify, then FIN
            NetTesting.runUntil(loop, () -> events.size() == 2, 20_000);
            assertEquals(List.of("CONNECTED", "READING|EOF"), events, server.output());
            assertTrue(c.tlsSession().isInboundDone(), "the server answered with close_notify");
            c.close();
        }
    }

    static Stream<Arguments> backendsAndVersions() {
        return NetTesting.backends().flatMap(k -> Stream.of(Arguments.of(k, "-tls1_2"), Arguments.of(k, "-tls1_3")));
    }

    @ParameterizedTest
    @MethodSource("backendsAndVersions")
    void opensslClientTalksToOurServer(BackendKind kind, String version) throws Exception {
        loop = NetTesting.loop(kind);
        TlsConfig tls = TlsConfig.server(cert.serverContext()).applicationProtocols("http/1.1");
        List<BufferedConnection> served = new ArrayList<>();
        try (TcpListener listener = TcpListener.listen(loop, NetTesting.loopback(0), 16);
             OpensslPeer client = OpensslPeer.client(listener.localAddress().getPort(), version,
                     "-servername", "localhost", "-alpn", "http/1.1", "-CAfile", pem[0].toString(),
                     "-verify_return_error")) {
            var accepting = new io.ev4j.core.IoWatcher(loop, listener.source(), io.ev4j.core.Events.READ, (w, ev) -> {
                try {
                    for (TcpSocket s; (s = listener.accept()) != null; ) {
                        BufferedConnection c = BufferedConnection.wrap(loop, pool, s, tls, ConnectionOption.CLOSE_ON_FREE);
                        c.setCallbacks(conn -> conn.output().append(conn.input()), null, (conn, e) -> {
                            events.add(ConnectionEvents.toString(e));
                            if (ConnectionEvents.has(e, CONNECTED)) {
                                conn.enableReading();
                            }
                        });
                        served.add(c);
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            accepting.start();
            NetTesting.runUntil(loop, () -> events.contains("CONNECTED"), 20_000);
            client.send("ping-ev4j\n");
            NetTesting.runUntil(loop, () -> client.output().contains("ping-ev4j"), 20_000);   // echoed back
            accepting.stop();
            String out = client.output();
            assertTrue(out.contains("ALPN protocol: http/1.1"), out);
            assertTrue(out.contains("Verify return code: 0 (ok)"), out);
            assertTrue(out.contains(version.equals("-tls1_2") ? "TLSv1.2" : "TLSv1.3"), out);
            var names = ((ExtendedSSLSession) served.get(0).tlsSession().engine().getSession()).getRequestedServerNames();
            assertEquals(List.of(new SNIHostName("localhost")), names);
            client.closeInput();                                // s_client ends its side
            NetTesting.runUntil(loop, () -> events.size() == 2, 20_000);
            assertEquals(List.of("CONNECTED", "READING|EOF"), events);
            assertTrue(client.awaitExit(), "s_client exited");
            served.forEach(BufferedConnection::close);
        }
    }
}
