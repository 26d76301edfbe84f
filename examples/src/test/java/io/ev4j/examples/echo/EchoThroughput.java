package io.ev4j.examples.echo;

import io.ev4j.core.BackendKind;
import io.ev4j.core.Loop;
import io.ev4j.core.TimerWatcher;
import io.ev4j.net.BufferedConnection;
import io.ev4j.net.ConnectionEvents;
import io.ev4j.net.buffer.SegmentPool;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/// A rough throughput comparison of the two echo servers (not a test; a measurement to run by
/// hand): `java -cp <test class path> io.ev4j.examples.echo.EchoThroughput raw|buffered
/// [backend] [connections] [seconds]`. The server runs on one thread, the clients on another,
/// each client keeping 256 KiB in flight; prints MiB/s echoed.
public final class EchoThroughput {
    private static final int WINDOW = 256 * 1024;

    private EchoThroughput() {
    }

    public static void main(String[] args) throws Exception {
        boolean buffered = args[0].equals("buffered");
        BackendKind kind = args.length > 1 ? BackendKind.named(args[1]) : BackendKind.EPOLL;
        int connections = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        Loop serverLoop = Loop.builder().backend(kind).build();
        InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
        AutoCloseable server;
        InetSocketAddress address;
        long[] accepted = {0};
        if (buffered) {
            BufferedEchoServer s = BufferedEchoServer.start(serverLoop, any);
            server = s;
            address = s.localAddress();
        } else {
            EchoServer s = EchoServer.start(serverLoop, any);
            server = s;
            address = s.localAddress();
        }
        ServerLoop serverThread = new ServerLoop(serverLoop, () -> accepted[0], "server");
        long[] echoed = {0};
        long warmUpNs = 1_000_000_000L;
        try (Loop loop = Loop.builder().backend(kind).build(); SegmentPool pool = new SegmentPool()) {
            byte[] chunk = new byte[WINDOW];
            List<BufferedConnection> clients = new ArrayList<>();
            boolean[] counting = {false};
            for (int i = 0; i < connections; i++) {
                BufferedConnection c = BufferedConnection.connect(loop, pool, address);
                c.setCallbacks(conn -> {
                    int n = (int) conn.input().length();
                    conn.input().drain(n);
                    if (counting[0]) {
                        echoed[0] += n;
                    }
                    conn.output().append(chunk, 0, n);
                }, null, (conn, events) -> {
                    if (events == ConnectionEvents.CONNECTED) {
                        conn.output().append(chunk);
                        conn.enableReading();
                    } else {
                        conn.close();
                    }
                });
                clients.add(c);
            }
            long[] startNs = {0};
            new TimerWatcher(loop, (w, ev) -> {
                counting[0] = true;
                startNs[0] = System.nanoTime();
            }).start(warmUpNs, 0);
            new TimerWatcher(loop, (w, ev) -> {
                double s = (System.nanoTime() - startNs[0]) / 1e9;
                System.out.printf("%s echo on %s, %d connections: %.1f MiB/s%n", buffered ? "buffered" : "raw",
                        kind.backendName(), connections, echoed[0] / s / (1 << 20));
                clients.forEach(BufferedConnection::close);
            }).start(warmUpNs + seconds * 1_000_000_000L, 0);
            loop.run();
        } finally {
            serverThread.stop(() -> {
                try {
                    server.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
    }
}
