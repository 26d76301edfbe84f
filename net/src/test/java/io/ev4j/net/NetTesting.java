package io.ev4j.net;

import io.ev4j.core.BackendKind;
import io.ev4j.core.Loop;
import io.ev4j.core.NanoClock;
import io.ev4j.core.socket.TcpListener;
import io.ev4j.core.socket.TcpSocket;
import io.ev4j.net.buffer.SegmentPool;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/// Shared by the connection tests: backends, loopback connections, resolvers, a manual clock.
final class NetTesting {
    private NetTesting() {
    }

    static Stream<BackendKind> backends() {
        return Arrays.stream(BackendKind.values()).filter(BackendKind::isAvailable);
    }

    static Loop loop(BackendKind kind) {
        return Loop.builder().backend(kind).build();
    }

    static Loop loop(BackendKind kind, NanoClock clock) {
        return Loop.builder().backend(kind).clock(clock).build();
    }

    /// Entries in `/proc/self/fd` (-1 where there is none).
    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /// A loopback port nothing listens on (bound once, then closed).
    static InetSocketAddress deadAddress() throws IOException {
        try (ServerSocketChannel s = ServerSocketChannel.open()) {
            s.bind(loopback(0));
            return (InetSocketAddress) s.getLocalAddress();
        }
    }

    /// Runs `loop` without blocking until `done`, failing after `timeoutMs`.
    /// A tick bounds each blocking iteration, so that a stall fails here instead of hanging.
    static void runUntil(Loop loop, BooleanSupplier done, long timeoutMs) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        var tick = new io.ev4j.core.TimerWatcher(loop, (w, events) -> { });
        tick.start(50_000_000L, 50_000_000L);
        try {
            while (!done.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    fail("condition not reached within " + timeoutMs + " ms");
                }
                loop.runOnce();
            }
        } finally {
            tick.stop();
        }
    }

    /// A client made by [BufferedConnection#connect] and the server end accepted and wrapped
    /// with CLOSE_ON_FREE, both on `loop`; the listener is closed again.
    record Connected(BufferedConnection client, BufferedConnection server) {
        void closeBoth() {
            client.close();
            server.close();
        }
    }

    static Connected connect(Loop loop, SegmentPool pool, ConnectionOption... options) throws IOException {
        try (TcpListener listener = TcpListener.listen(loop, loopback(0), 16)) {
            BufferedConnection client = BufferedConnection.connect(loop, pool, listener.localAddress(), options);
            TcpSocket accepted = null;
            long deadline = System.nanoTime() + 5_000_000_000L;
            while ((accepted = listener.accept()) == null) {
                assertTrue(System.nanoTime() < deadline, "no connection accepted");
                loop.runNoWait();
                Thread.onSpinWait();
            }
            ConnectionOption[] serverOptions = Arrays.copyOf(options, options.length + 1);
            serverOptions[options.length] = ConnectionOption.CLOSE_ON_FREE;
            return new Connected(client, BufferedConnection.wrap(loop, pool, accepted, serverOptions));
        }
    }

    /// A resolver that answers every lookup with `addresses`, from the loop, as the contract
    /// says; a cancelled lookup is not answered.
    static HostResolver answering(java.net.InetAddress... addresses) {
        List<java.net.InetAddress> answer = List.of(addresses);
        return (loop, host, done) -> {
            loop.ref();
            boolean[] cancelled = {false};
            loop.execute(() -> {
                if (!cancelled[0]) {
                    loop.unref();
                    done.resolved(answer, null);
                }
            });
            return () -> {
                if (!cancelled[0]) {
                    cancelled[0] = true;
                    loop.unref();
                }
            };
        };
    }

    /// A read callback that moves what arrives into `received` and ends the connection's
    /// output once `expectedBytes` have come.
    static BufferedConnection.DataCallback collectThenFinish(java.io.ByteArrayOutputStream received, int expectedBytes) {
        return c -> {
            byte[] b = new byte[(int) c.input().length()];
            c.input().read(b, 0, b.length);
            received.writeBytes(b);
            if (received.size() == expectedBytes) {
                c.finishOutput();
            }
        };
    }

    /// Runs `loop` until `listener` has a connection to accept, failing after 5 s.
    static TcpSocket accept(Loop loop, TcpListener listener) throws IOException {
        TcpSocket accepted;
        long deadline = System.nanoTime() + 5_000_000_000L;
        while ((accepted = listener.accept()) == null) {
            assertTrue(System.nanoTime() < deadline, "no connection accepted");
            loop.runOnce();
        }
        return accepted;
    }

    /// Closes the pool after checking that every segment came back.
    static void closePool(SegmentPool pool) {
        assertEquals(0, pool.outstanding(), "segments still held by buffers");
        pool.close();
    }

    /// A clock that moves only when told to.
    static final class ManualClock implements NanoClock {
        private long nowNs;

        @Override
        public long nanoTime() {
            return nowNs;
        }

        void advance(long ns) {
            nowNs += ns;
        }
    }
}
