package io.ev4j.examples.echo;

import io.ev4j.core.BackendKind;
import io.ev4j.core.Events;
import io.ev4j.core.IoWatcher;
import io.ev4j.core.Loop;
import io.ev4j.core.Watcher;
import io.ev4j.core.socket.TcpSocket;
import io.ev4j.examples.OpenFds;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// The echo server on a loop of its own thread, 200 concurrent clients on a second loop, each
/// sending a random payload of up to 1 MiB while reading the echo: every byte is checked, every
/// connection ends cleanly, and every fd is closed afterwards.
@Timeout(120)
class EchoServerTest {
    private static final int CONNECTIONS = 200;
    private static final int MAX_PAYLOAD = 1 << 20;

    @ParameterizedTest
    @MethodSource("io.ev4j.examples.Backends#available")
    void echoesEveryByteOf200ConcurrentConnections(BackendKind kind) throws Exception {
        int fdsBefore = OpenFds.count();
        Loop serverLoop = Loop.builder().backend(kind).build();
        EchoServer server = EchoServer.start(serverLoop, new InetSocketAddress("127.0.0.1", 0));
        InetSocketAddress address = server.localAddress();
        ServerLoop serverThread = new ServerLoop(serverLoop, server::acceptedCount, "echo-server-loop");

        List<String> failures = new ArrayList<>();
        long totalBytes = 0;
        try (Loop clientLoop = Loop.builder().backend(kind).build()) {
            Random random = new Random(42);
            List<Client> clients = new ArrayList<>();
            ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
            for (int i = 0; i < CONNECTIONS; i++) {
                byte[] payload = new byte[i == 0 ? 0 : random.nextInt(MAX_PAYLOAD + 1)];
                random.nextBytes(payload);
                totalBytes += payload.length;
                clients.add(new Client(clientLoop, address, payload, readBuffer, failures));
            }
            clientLoop.run();
            for (Client c : clients) {
                if (c.received != c.payload.length && failures.isEmpty()) {
                    failures.add("connection " + clients.indexOf(c) + " got " + c.received + " of " + c.payload.length);
                }
            }
            assertEquals(0, clientLoop.activeCount());
        } finally {
            serverThread.stop(server::close);
        }
        assertTrue(failures.isEmpty(), failures.toString());
        assertEquals(CONNECTIONS, serverThread.accepted());
        assertTrue(totalBytes > 50L * CONNECTIONS * 1024, "payloads were sizeable");
        assertEquals(fdsBefore, OpenFds.count(), "every fd opened by the test is closed");
    }

    /// One client connection: writes its payload as the socket allows, half-closes, and checks
    /// the echo byte by byte until the server closes.
    private static final class Client implements Watcher.Callback<IoWatcher> {
        final byte[] payload;
        final TcpSocket socket;
        final IoWatcher watcher;
        final ByteBuffer out;
        final ByteBuffer in;
        final List<String> failures;
        boolean connected;
        int received;

        Client(Loop loop, InetSocketAddress server, byte[] payload, ByteBuffer in, List<String> failures)
                throws IOException {
            this.payload = payload;
            this.in = in;
            this.failures = failures;
            this.out = ByteBuffer.wrap(payload);
            this.socket = TcpSocket.connect(loop, server);
            this.watcher = new IoWatcher(loop, socket.source(), Events.WRITE, this);
            watcher.start();
        }

        @Override
        public void onEvent(IoWatcher w, int events) {
            try {
                if (!connected) {
                    if (!socket.finishConnect()) {
                        return;
                    }
                    connected = true;
                    w.setEvents(Events.READ | Events.WRITE);
                }
                if ((events & Events.WRITE) != 0 && w.events() != Events.READ) {
                    socket.write(out);
                    if (!out.hasRemaining()) {
                        socket.shutdownOutput();
                        w.setEvents(Events.READ);
                    }
                }
                if ((events & Events.READ) != 0) {
                    readEcho();
                }
            } catch (IOException e) {
                fail("I/O error: " + e);
            }
        }

        private void readEcho() throws IOException {
            while (true) {
                in.clear();
                int n = socket.read(in);
                if (n == 0) {
                    return;
                }
                if (n < 0) {
                    if (received != payload.length) {
                        fail("end of stream after " + received + " of " + payload.length + " bytes");
                    } else {
                        finish();
                    }
                    return;
                }
                for (int i = 0; i < n; i++) {
                    if (received + i >= payload.length || in.get(i) != payload[received + i]) {
                        fail("wrong byte at offset " + (received + i));
                        return;
                    }
                }
                received += n;
            }
        }

        private void fail(String why) {
            failures.add(socket + ": " + why);
            finish();
        }

        private void finish() {
            watcher.stop();
            socket.close();
        }
    }
}
