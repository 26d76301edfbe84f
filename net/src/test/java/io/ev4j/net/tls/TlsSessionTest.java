package io.ev4j.net.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ev4j.net.buffer.Buffer;
import io.ev4j.net.buffer.SegmentPool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/// Two sessions talking through buffers in memory: the engine driving, without sockets.
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsSessionTest {
    @TempDir
    static Path dir;
    static SelfSignedCertificate cert;

    private final SegmentPool pool = new SegmentPool();

    /// One side: its session and its four buffers.
    final class Side {
        final TlsSession tls;
        final Buffer netIn = new Buffer(pool);
        final Buffer appIn = new Buffer(pool);
        final Buffer appOut = new Buffer(pool);
        final Buffer netOut = new Buffer(pool);

        Side(TlsConfig config) throws SSLException {
            tls = new TlsSession(config.newEngine());
        }

        boolean pump() throws SSLException {
            return tls.pump(netIn, appIn, appOut, netOut);
        }

        void close() {
            netIn.close();
            appIn.close();
            appOut.close();
            netOut.close();
        }
    }

    @BeforeAll
    static void makeCertificate() throws IOException {
        cert = SelfSignedCertificate.create(dir, "localhost");
    }

    @AfterEach
    void poolIsBack() {
        assertEquals(0, pool.outstanding(), "every chunk went back to the pool");
        pool.close();
    }

    private TlsConfig clientConfig() throws IOException {
        return TlsConfig.client(cert.trustingClientContext()).serverName("localhost");
    }

    private TlsConfig serverConfig() throws IOException {
        return TlsConfig.server(cert.serverContext());
    }

    /// Pumps both sides and carries each one's ciphertext to the other until nothing moves.
    /// `chunk` limits how many ciphertext bytes cross per step, to cut records in pieces.
    private static void exchange(Side a, Side b, int chunk) throws SSLException {
        for (int rounds = 0; rounds < 1_000_000; rounds++) {
            boolean moved = a.pump() | b.pump();
            moved |= carry(a.netOut, b.netIn, chunk) > 0;
            moved |= carry(b.netOut, a.netIn, chunk) > 0;
            if (!moved) {
                return;
            }
        }
        throw new AssertionError("no quiescence");
    }

    private static long carry(Buffer from, Buffer to, int chunk) {
        return from.remove(to, chunk);
    }

    private static byte[] drainAll(Buffer b) {
        byte[] out = new byte[(int) b.length()];
        b.read(out, 0, out.length);
        return out;
    }

    @Test
    void handshakeThenDataBothWaysWithAlpnAndSni() throws IOException {
        Side client = new Side(clientConfig().applicationProtocols("h2", "http/1.1"));
        Side server = new Side(serverConfig().applicationProtocols("http/1.1"));
        try {
            client.appOut.append("hello".getBytes(StandardCharsets.US_ASCII)); // before the handshake
            exchange(client, server, Integer.MAX_VALUE);
            assertTrue(client.tls.isHandshakeComplete());
            assertTrue(server.tls.isHandshakeComplete());
            assertTrue(client.tls.takeHandshakeCompleted());
            assertFalse(client.tls.takeHandshakeCompleted(), "reported once");
            assertEquals("http/1.1", client.tls.applicationProtocol());
            assertEquals("http/1.1", server.tls.applicationProtocol());
            var requested = ((ExtendedSSLSession) server.tls.engine().getSession()).getRequestedServerNames();
            assertEquals(List.of(new SNIHostName("localhost")), requested);
            assertEquals("hello", new String(drainAll(server.appIn), StandardCharsets.US_ASCII));

            server.appOut.append("world".getBytes(StandardCharsets.US_ASCII));
            exchange(client, server, Integer.MAX_VALUE);
            assertEquals("world", new String(drainAll(client.appIn), StandardCharsets.US_ASCII));
        } finally {
            client.close();
            server.close();
        }
    }

    @Test
    void aMegabyteCrossesEvenWhenRecordsArriveAByteAtATime() throws IOException {
        Side client = new Side(clientConfig());
        Side server = new Side(serverConfig());
        try {
            exchange(client, server, Integer.MAX_VALUE);
            byte[] data = new byte[1 << 20];
            new Random(7).nextBytes(data);
            client.appOut.append(data);
            exchange(client, server, 1 << 20);
            assertArrayEquals(data, drainAll(server.appIn));

            byte[] small = new byte[40_000];
            new Random(8).nextBytes(small);
            server.appOut.append(small);
            exchange(client, server, 1); // every record arrives in one-byte pieces
            assertArrayEquals(small, drainAll(client.appIn));
        } finally {
            client.close();
            server.close();
        }
    }

    @Test
    void cleanShutdownIsToldApartFromATruncatedOne() throws IOException {
        Side client = new Side(clientConfig());
        Side server = new Side(serverConfig());
        try {
            exchange(client, server, Integer.MAX_VALUE);
            client.appOut.append(new byte[] {1, 2, 3});
            client.tls.closeOutbound();
            exchange(client, server, Integer.MAX_VALUE);
            assertTrue(client.tls.isOutboundDone());
            assertTrue(server.tls.isInboundDone(), "close_notify arrived");
            assertTrue(server.tls.endOfInput(), "clean");
        } finally {
            client.close();
            server.close();
        }

        Side c2 = new Side(clientConfig());
        Side s2 = new Side(serverConfig());
        try {
            exchange(c2, s2, Integer.MAX_VALUE);
            assertFalse(s2.tls.isInboundDone());
            assertFalse(s2.tls.endOfInput(), "the stream ended without close_notify: truncated");
        } finally {
            c2.close();
            s2.close();
        }
    }

    @Test
    void anUntrustedCertificateFailsTheClientAndItsAlertFailsTheServer() throws Exception {
        SSLContext trustsNothingOfOurs = SSLContext.getInstance("TLS");
        trustsNothingOfOurs.init(null, null, null); // the JDK's default trust store
        Side client = new Side(TlsConfig.client(trustsNothingOfOurs).serverName("localhost"));
        Side server = new Side(serverConfig());
        try {
            SSLException e = assertThrows(SSLException.class, () -> exchange(client, server, Integer.MAX_VALUE));
            assertTrue(e.getMessage().toLowerCase().contains("certification path")
                    || e.getMessage().toLowerCase().contains("certificate"), e.getMessage());
            assertFalse(client.netOut.isEmpty(), "the alert is there to send");
            carry(client.netOut, server.netIn, Integer.MAX_VALUE);
            assertThrows(SSLException.class, server::pump, "the server learns of the failure");
        } finally {
            client.close();
            server.close();
        }
    }

    @Test
    void aHostNameTheCertificateDoesNotNameIsRefusedUnlessVerificationIsOff() throws IOException {
        Side client = new Side(TlsConfig.client(cert.trustingClientContext()).serverName("other.example"));
        Side server = new Side(serverConfig());
        try {
            assertThrows(SSLException.class, () -> exchange(client, server, Integer.MAX_VALUE));
        } finally {
            client.close();
            server.close();
        }
        Side lax = new Side(TlsConfig.client(cert.trustingClientContext()).serverName("other.example")
                .verifyHostName(false));
        Side s2 = new Side(serverConfig());
        try {
            exchange(lax, s2, Integer.MAX_VALUE);
            assertTrue(lax.tls.isHandshakeComplete());
            assertNull(lax.tls.applicationProtocol(), "no ALPN asked for");
        } finally {
            lax.close();
            s2.close();
        }
    }

    @Test
    void badSettingsAreRefusedByName() throws IOException {
        SSLContext ctx = cert.serverContext();
        assertThrows(IllegalArgumentException.class, () -> TlsConfig.client(ctx).serverName("bad name!"));
        assertThrows(IllegalStateException.class, () -> TlsConfig.server(ctx).serverName("localhost"));
        assertThrows(IllegalStateException.class, () -> TlsConfig.client(ctx).clientAuth(TlsConfig.ClientAuth.NEED));
        var e = assertThrows(IllegalArgumentException.class, () -> TlsConfig.client(ctx).applicationProtocols(""));
        assertTrue(e.getMessage().contains("ALPN"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> TlsConfig.client(ctx).handshakeTimeout(java.time.Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> SelfSignedCertificate.create(dir, "a b"));
    }
}
