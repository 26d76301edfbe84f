package io.ev4j.examples.echo;

import io.ev4j.core.Events;
import io.ev4j.core.IoWatcher;
import io.ev4j.core.Loop;
import io.ev4j.core.Watcher;
import io.ev4j.core.socket.TcpSocket;
import io.ev4j.examples.Example;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;

/// An echo server on raw io watchers: every byte read is written back.
///
/// ```java
/// EchoServer server = EchoServer.start(loop, new InetSocketAddress(34567));
/// loop.run();
/// ```
///
/// One io watcher per connection. All connections read into one direct buffer (the loop has
/// one thread) and write straight back, so the steady state allocates nothing. When a write is
/// partial, the rest waits in the connection's own buffer and the watcher switches from
/// reading to writing until it is flushed: a client that does not read is not read from
/// either (backpressure), and memory per connection stays bounded by one read.
public final class EchoServer implements AutoCloseable {
    private static final int READ_SIZE = 64 * 1024;
    /// Reads per readiness before yielding to other connections.
    private static final int READS_PER_EVENT = 4;

    private final Loop loop;
    private final Acceptor acceptor;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_SIZE);
    private final Set<Connection> connections = new HashSet<>();

    private EchoServer(Loop loop, InetSocketAddress address) throws IOException {
        this.loop = loop;
        this.acceptor = new Acceptor(loop, address, "echo-server", this::serve);
    }

    /// Listens on `address` and starts accepting on `loop`.
    public static EchoServer start(Loop loop, InetSocketAddress address) throws IOException {
        return new EchoServer(loop, address);
    }

    /// The address it listens on, with the real port.
    public InetSocketAddress localAddress() throws IOException {
        return acceptor.localAddress();
    }

    /// Connections open now.
    public int connectionCount() {
        return connections.size();
    }

    /// Connections accepted since start.
    public long acceptedCount() {
        return acceptor.acceptedCount();
    }

    private void serve(TcpSocket socket) {
        Connection c = new Connection(socket);
        connections.add(c);
        c.watcher.start();
    }

    /// Stops accepting and closes every connection. Loop thread.
    @Override
    public void close() {
        acceptor.close();
        for (Connection c : new ArrayList<>(connections)) {
            c.close();
        }
    }

    private final class Connection implements Watcher.Callback<IoWatcher> {
        private final TcpSocket socket;
        private final IoWatcher watcher;
        /// Bytes read but not yet written back; null until a write is first partial.
        private ByteBuffer unsent;

        Connection(TcpSocket socket) {
            this.socket = socket;
            this.watcher = new IoWatcher(loop, socket.source(), Events.READ, this);
        }

        @Override
        public void onEvent(IoWatcher w, int events) {
            try {
                if ((events & Events.WRITE) != 0) {
                    flush();
                } else if ((events & Events.READ) != 0) {
                    echo();
                }
            } catch (IOException e) {
                close();                                   // reset by peer and the like
            }
        }

        private void echo() throws IOException {
            for (int i = 0; i < READS_PER_EVENT; i++) {
                readBuffer.clear();
                int n = socket.read(readBuffer);
                if (n < 0) {
                    close();
                    return;
                }
                if (n == 0) {
                    return;
                }
                readBuffer.flip();
                socket.write(readBuffer);
                if (readBuffer.hasRemaining()) {
                    keep(readBuffer);
                    watcher.setEvents(Events.WRITE);       // stop reading until this is out
                    return;
                }
                if (n < READ_SIZE) {
                    return;                                // most likely drained the socket
                }
            }
        }

        private void keep(ByteBuffer rest) {
            if (unsent == null) {
                unsent = ByteBuffer.allocate(READ_SIZE);
            }
            unsent.clear();
            unsent.put(rest);
            unsent.flip();
        }

        private void flush() throws IOException {
            socket.write(unsent);
            if (!unsent.hasRemaining()) {
                watcher.setEvents(Events.READ);           // reads only resume once all is out,
            }                                             // so an end of stream never strands bytes
        }

        void close() {
            watcher.stop();
            socket.close();
            connections.remove(this);
        }
    }

    /// `echo-server [port]`: port 34567 by default; Ctrl-C (or SIGTERM) stops it cleanly.
    public static int run(Example example) throws Exception {
        Loop loop = example.newLoop();
        EchoServer server = start(loop, new InetSocketAddress(example.port(0, 34567)));
        return Acceptor.serveUntilStopped(loop, server.acceptor, server);
    }
}
