package io.ev4j.examples.echo;

import io.ev4j.core.BackendKind;
import io.ev4j.core.Loop;
import io.ev4j.examples.ExampleJvm;
import io.ev4j.examples.OpenFds;
import io.ev4j.net.BufferedConnection;
import io.ev4j.net.ConnectionEvents;
import io.ev4j.net.buffer.SegmentPool;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// `buffered-echo-server`: in process against 100 buffered clients that each send up to 1 MiB
/// without reading until they are done (so the server's output backs up and its watermarks
/// work), and in a JVM of its own, stopped with SIGTERM.
@Timeout(120)
class BufferedEchoServerTest {
    private static final int CONNECTIONS = 100;
    private static final int MAX_PAYLOAD = 1 << 20;

    @ParameterizedTest
    @MethodSource("io.ev4j.examples.Backends#available")
    void echoesEveryByteOfManyConnectionsWhoseClientsReadLate(BackendKind kind) throws Exception {
        int fdsBefore = OpenFds.count();
        Loop serverLoop = Loop.builder().backend(kind).build();
        BufferedEchoServer server = BufferedEchoServer.start(serverLoop, new InetSocketAddress("127.0.0.1", 0));
        InetSocketAddress address = server.localAddress();
        ServerLoop serverThread = new ServerLoop(serverLoop, server::acceptedCount, "buffered-echo-server-loop");

        List<String> failures = new ArrayList<>();
        try (Loop clientLoop = Loop.builder().backend(kind).build(); SegmentPool pool = new SegmentPool()) {
            Random random = new Random(7);
            List<Client> clients = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                byte[] payload = new byte[i == 0 ? 0 : random.nextInt(MAX_PAYLOAD + 1)];
                random.nextBytes(payload);
                clients.add(new Client(BufferedConnection.connect(clientLoop, pool, address), payload, failures));
            }
            clientLoop.run();
            for (Client c : clients) {
                if (c.received != c.payload.length && failures.isEmpty()) {
                    failures.add("connection " + clients.indexOf(c) + " got " + c.received + " of " + c.payload.length);
                }
            }
            assertEquals(0, clientLoop.activeCount());
            assertEquals(0, pool.outstanding());
        } finally {
            serverThread.stop(server::close);
        }
        assertTrue(failures.isEmpty(), failures.toString());
        assertEquals(CONNECTIONS, serverThread.accepted());
        assertEquals(fdsBefore, OpenFds.count(), "every fd opened by the test is closed");
    }

    /// Sends its payload, half-closes, and only then reads, checking the echo byte by byte
    /// until the server closes.
    private static final class Client {
        final byte[] payload;
        final List<String> failures;
        int received;

        Client(BufferedConnection c, byte[] payload, List<String> failures) {
            this.payload = payload;
            this.failures = failures;
            byte[] chunk = new byte[64 * 1024];
            c.setCallbacks(conn -> {
                while (!conn.input().isEmpty()) {
                    int n = conn.input().read(chunk, 0, chunk.length);
                    for (int i = 0; i < n; i++) {
                        if (received + i >= payload.length || chunk[i] != payload[received + i]) {
                            fail(conn, "wrong byte at offset " + (received + i));
                            return;
                        }
                    }
                    received += n;
                }
            }, conn -> conn.enableReading(), (conn, events) -> {
                if (events == ConnectionEvents.CONNECTED) {
                    conn.output().append(payload);
                    conn.finishOutput();
                    if (payload.length == 0) {
                        conn.enableReading();
                    }
                } else if (ConnectionEvents.has(events, ConnectionEvents.EOF)) {
                    conn.close();
                } else {
                    fail(conn, ConnectionEvents.toString(events) + " " + conn.lastError());
                }
            });
        }

        private void fail(BufferedConnection c, String why) {
            failures.add(c + ": " + why);
            c.close();
        }
    }

    @ParameterizedTest
    @MethodSource("io.ev4j.examples.Backends#available")
    void inItsOwnJvmItEchoesAndStopsCleanlyOnSigterm(BackendKind kind) throws Exception {
        Process p = ExampleJvm.start("buffered-echo-server", kind, "0");
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            Matcher m = ExampleJvm.expectLine(out, lines,
                    Pattern.compile("buffered-echo-server listening on .*:(\\d+) \\((\\w+) backend\\).*"));
            assertEquals(kind.backendName(), m.group(2));
            try (SocketChannel client = SocketChannel.open(new InetSocketAddress("127.0.0.1", Integer.parseInt(m.group(1))))) {
                byte[] hello = "hello, buffered echo\n".getBytes(StandardCharsets.UTF_8);
                client.write(ByteBuffer.wrap(hello));
                ByteBuffer back = ByteBuffer.allocate(hello.length);
                while (back.hasRemaining() && client.read(back) >= 0) {
                    // blocking reads until the whole echo is back
                }
                assertEquals(new String(hello, StandardCharsets.UTF_8), new String(back.array(), StandardCharsets.UTF_8));
            }
            ExampleJvm.stopWithSigterm(p, out, lines);  // the hook stops the loop
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        assertEquals("buffered-echo-server stopped after 1 connections", lines.getLast(), String.join("\n", lines));
        assertEquals(2, lines.size(), String.join("\n", lines));
    }
}
