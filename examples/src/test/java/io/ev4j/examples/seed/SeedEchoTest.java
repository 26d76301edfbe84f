package io.ev4j.examples.seed;

import io.ev4j.core.BackendKind;
import io.ev4j.core.Loop;
import io.ev4j.core.socket.TcpListener;
import io.ev4j.examples.OpenFds;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// The seed's two programs against each other on one loop thread each.
@Timeout(30)
class SeedEchoTest {

    @ParameterizedTest
    @MethodSource("io.ev4j.examples.Backends#available")
    void theClientConnectsExitsZeroAndTheServerPrintsItsAddress(BackendKind kind) throws Exception {
        int fdsBefore = OpenFds.count();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        CountDownLatch lineEnded = new CountDownLatch(1);
        OutputStream out = new OutputStream() {
            @Override
            public synchronized void write(int b) {
                printed.write(b);
                if (b == '\n') {
                    lineEnded.countDown();
                }
            }
        };
        Loop serverLoop = Loop.builder().backend(kind).build();
        TcpListener listener = TcpListener.listen(serverLoop, new InetSocketAddress("127.0.0.1", 0), 64);
        var accepting = SeedEchoServer.start(serverLoop, listener, new PrintStream(out, true, StandardCharsets.UTF_8));
        Thread server = new Thread(serverLoop::run, "seed-server");
        server.start();

        int exitCode;
        try (Loop clientLoop = Loop.builder().backend(kind).build()) {
            exitCode = SeedEchoClient.connectOnce(clientLoop, listener.localAddress());
            assertEquals(0, clientLoop.activeCount());
        }
        assertEquals(0, exitCode);
        // The server prints once it accepted; wait for that line, then stop it.
        assertTrue(lineEnded.await(10, TimeUnit.SECONDS), "the server printed its accept line");
        serverLoop.execute(() -> {
            accepting.stop();
            listener.close();
        });
        server.join(10_000);
        serverLoop.close();
        String line = printed.toString(StandardCharsets.UTF_8).trim();
        assertTrue(line.matches("accept \\(127\\.0\\.0\\.1:\\d+\\)"), line);
        assertEquals(fdsBefore, OpenFds.count());
    }

    @ParameterizedTest
    @MethodSource("io.ev4j.examples.Backends#available")
    void aRefusedConnectExitsOne(BackendKind kind) throws Exception {
        InetSocketAddress closedPort;
        try (Loop probe = Loop.builder().backend(kind).build();
             TcpListener l = TcpListener.listen(probe, new InetSocketAddress("127.0.0.1", 0), 1)) {
            closedPort = l.localAddress();
        }
        try (Loop clientLoop = Loop.builder().backend(kind).build()) {
            assertEquals(1, SeedEchoClient.connectOnce(clientLoop, closedPort));
        }
    }
}
