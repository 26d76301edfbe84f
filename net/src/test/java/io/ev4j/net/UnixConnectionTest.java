package io.ev4j.net;

import io.ev4j.core.BackendKind;
import io.ev4j.core.ErrnoException;
import io.ev4j.core.socket.UnixAddress;
import io.ev4j.core.socket.UnixSocket;
import io.ev4j.core.sys.linux.Errno;
import io.ev4j.net.tls.SelfSignedCertificate;
import io.ev4j.net.tls.TlsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.ev4j.net.ConnectionEvents.CONNECTED;
import static io.ev4j.net.ConnectionEvents.EOF;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// Buffered connections, plain and TLS, over Unix-domain sockets on every backend: a client
/// made by [BufferedConnection#connect] to a path, a server end accepted by a [Listener] and
/// wrapped, echo, end of stream, and a connect to a path nobody listens on.
@Timeout(30)
@EnabledOnOs(OS.LINUX)
class UnixConnectionTest extends NetTestCase {
    @TempDir
    static Path dir;
    static SelfSignedCertificate cert;
    private static int sockets;

    private final List<String> events = new ArrayList<>();
    private Listener<UnixSocket> listener;
    private final List<BufferedConnection> servers = new ArrayList<>();

    static Stream<BackendKind> backends() {
        return NetTesting.backends();
    }

    @BeforeAll
    static void makeCertificate() throws IOException {
        cert = SelfSignedCertificate.create(dir, "localhost");
    }

    @AfterEach
    void closeListener() {                          // before the base class's checks
        if (listener != null) {
            listener.close();
        }
    }

    private static Path freshPath() {
        return dir.resolve("c" + (sockets++) + ".sock");
    }

    private BufferedConnection.EventCallback record(String who) {
        return (c, ev) -> events.add(who + ":" + ConnectionEvents.toString(ev));
    }

    /// A listener on `path` whose accepted sockets become echoing connections (TLS with a
    /// server config when `tls` is set) that end their output on end of stream.
    private void echoServer(Path path, TlsConfig tls) throws IOException {
        listener = Listener.unix(loop, UnixAddress.of(path)).onAccept((socket, peer) -> {
            BufferedConnection s = tls == null
                    ? BufferedConnection.wrap(loop, pool, socket, ConnectionOption.CLOSE_ON_FREE)
                    : BufferedConnection.wrap(loop, pool, socket, tls, ConnectionOption.CLOSE_ON_FREE);
            servers.add(s);
            s.setCallbacks(c -> c.output().append(c.input()), null, (c, ev) -> {
                record("server").onEvent(c, ev);
                if (ConnectionEvents.has(ev, EOF)) {
                    c.finishOutput();                       // the rest of the echo, then our end of stream
                } else if (!ConnectionEvents.has(ev, CONNECTED)) {
                    c.close();
                }
            });
            s.enableReading();
        }).open();
    }

    /// Sends `data` from a client on `path`, reads it all back, ends the stream and waits for
    /// the server's end of stream.
    private byte[] echoThrough(BufferedConnection client, byte[] data) {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        client.setCallbacks(NetTesting.collectThenFinish(received, data.length), null, (c, ev) -> {
            record("client").onEvent(c, ev);
            if (ConnectionEvents.has(ev, CONNECTED)) {
                c.enableReading();
            }
        });
        client.output().append(data);                       // before connected: waits for it
        NetTesting.runUntil(loop, () -> events.contains("client:READING|EOF"), 20_000);
        client.close();
        servers.forEach(BufferedConnection::close);
        return received.toByteArray();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void echoesOverAUnixSocketPathThenBothEndsSeeEndOfStream(BackendKind kind) throws IOException {
        loop = NetTesting.loop(kind);
        Path path = freshPath();
        echoServer(path, null);
        BufferedConnection client = BufferedConnection.connect(loop, pool, UnixAddress.of(path));
        assertTrue(client.toString().contains("unix"), client.toString());
        assertNull(client.tlsSession());
        byte[] data = NetTesting.randomBytes(512 * 1024, 11);
        assertArrayEquals(data, echoThrough(client, data));
        assertEquals(List.of("client:CONNECTED", "server:READING|EOF", "client:READING|EOF"), events);
        listener.close();
        assertFalse(Files.exists(path), "the listener removed its socket file");
    }

    @ParameterizedTest
    @MethodSource("backends")
    void echoesOverTlsOnAUnixSocketWithTheServerNamedByTheConfig(BackendKind kind) throws IOException {
        loop = NetTesting.loop(kind);
        Path path = freshPath();
        echoServer(path, TlsConfig.server(cert.serverContext()).applicationProtocols("echo"));
        TlsConfig clientTls = TlsConfig.client(cert.trustingClientContext()).serverName("localhost")
                .applicationProtocols("echo");
        BufferedConnection client = BufferedConnection.connect(loop, pool, UnixAddress.of(path), clientTls);
        byte[] data = NetTesting.randomBytes(200 * 1024, 12);
        assertArrayEquals(data, echoThrough(client, data));
        assertEquals("client:CONNECTED", events.get(0), events.toString());
        assertTrue(events.contains("server:CONNECTED"), events.toString());
        assertTrue(events.contains("server:READING|EOF"), events.toString());
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aConnectToAMissingPathIsAnErrorNamingThePath(BackendKind kind) {
        loop = NetTesting.loop(kind);
        Path missing = dir.resolve("nobody-listens-here.sock");
        BufferedConnection c = BufferedConnection.connect(loop, pool, UnixAddress.of(missing));
        c.output().append("never sent".getBytes());
        c.setCallbacks(null, null, record("client"));
        loop.run();
        assertEquals(List.of("client:ERROR"), events);
        ErrnoException e = assertInstanceOf(ErrnoException.class, c.lastError());
        assertEquals(Errno.ENOENT, e.errno(), e.getMessage());
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        assertFalse(c.isConnecting());
        c.close();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aTlsConnectToAMissingPathIsTheSameError(BackendKind kind) throws IOException {
        loop = NetTesting.loop(kind);
        Path missing = dir.resolve("nobody-listens-here-either.sock");
        TlsConfig clientTls = TlsConfig.client(cert.trustingClientContext()).serverName("localhost");
        BufferedConnection c = BufferedConnection.connect(loop, pool, UnixAddress.of(missing), clientTls);
        c.setCallbacks(null, null, record("client"));
        loop.run();
        assertEquals(List.of("client:ERROR"), events);
        assertTrue(c.lastError().getMessage().contains(missing.toString()), c.lastError().getMessage());
        c.close();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void anUnnamedAddressIsRefusedAtOnce(BackendKind kind) {
        loop = NetTesting.loop(kind);
        var e = assertThrows(IllegalArgumentException.class,
                () -> BufferedConnection.connect(loop, pool, UnixAddress.UNNAMED));
        assertTrue(e.getMessage().contains("unnamed"), e.getMessage());
    }
}
