package io.ev4j.examples.seed;

import io.ev4j.core.Events;
import io.ev4j.core.IoWatcher;
import io.ev4j.core.Loop;
import io.ev4j.core.socket.TcpListener;
import io.ev4j.core.socket.TcpSocket;
import io.ev4j.examples.Example;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;

/// The seed's first program: a server that accepts each connection, prints who it was, and
/// closes it. One io watcher on the listening socket; the callback runs once per readiness.
public final class SeedEchoServer {
    private SeedEchoServer() {
    }

    /// `seed-echo-server [port]`: listens on 0.0.0.0, port 34567 by default.
    public static int run(Example example) throws IOException {
        try (Loop loop = example.newLoop();
             TcpListener listener = TcpListener.listen(loop, new InetSocketAddress(example.port(0, 34567)), 64)) {
            System.out.println("seed-echo-server listening on " + listener.localAddress() + " (" + loop.backendName() + ")");
            start(loop, listener, System.out);
            loop.run();
            return 0;
        }
    }

    /// Starts accepting on `listener`; each accepted peer is printed to `out` and closed.
    public static IoWatcher start(Loop loop, TcpListener listener, PrintStream out) {
        IoWatcher accepting = new IoWatcher(loop, listener.source(), Events.READ, (w, events) -> {
            try {
                TcpSocket conn = listener.accept();
                if (conn != null) {
                    InetSocketAddress peer = conn.remoteAddress();
                    out.println("accept (" + peer.getAddress().getHostAddress() + ":" + peer.getPort() + ")");
                    conn.close();
                }
            } catch (IOException e) {
                out.println("accept failed: " + e.getMessage());
            }
        });
        accepting.start();
        return accepting;
    }
}
