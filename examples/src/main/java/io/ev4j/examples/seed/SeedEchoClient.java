package io.ev4j.examples.seed;

import io.ev4j.core.Events;
import io.ev4j.core.IoWatcher;
import io.ev4j.core.Loop;
import io.ev4j.core.socket.TcpSocket;
import io.ev4j.examples.Example;

import java.io.IOException;
import java.net.InetSocketAddress;

/// The seed's second program: connects, and as soon as the socket is writable (the connect
/// finished) closes it and breaks the loop. A refused connect is reported and exits 1.
public final class SeedEchoClient {
    private SeedEchoClient() {
    }

    /// `seed-echo-client [host] [port]`: 127.0.0.1 and 34567 by default.
    public static int run(Example example) throws IOException {
        InetSocketAddress server = new InetSocketAddress(example.arg(0, "127.0.0.1"), example.port(1, 34567));
        try (Loop loop = example.newLoop()) {
            return connectOnce(loop, server);
        }
    }

    /// Connects to `server` on `loop`; returns 0 once connected and closed, 1 if the connect failed.
    public static int connectOnce(Loop loop, InetSocketAddress server) throws IOException {
        TcpSocket socket = TcpSocket.connect(loop, server);
        int[] exitCode = {1};
        IoWatcher connected = new IoWatcher(loop, socket.source(), Events.WRITE, (w, events) -> {
            w.stop();
            try {
                if (!socket.finishConnect()) {
                    w.start();                      // not yet: wait for the next readiness
                    return;
                }
                exitCode[0] = 0;
            } catch (IOException e) {
                System.err.println("seed-echo-client: " + e.getMessage());
            }
            socket.close();
            loop.breakLoop(Loop.Break.ALL);
        });
        connected.start();
        loop.run();
        connected.stop();
        socket.close();
        return exitCode[0];
    }
}
