package io.ev4j.bench.echo;

import io.ev4j.core.Events;
import io.ev4j.core.IoWatcher;
import io.ev4j.core.Loop;
import io.ev4j.core.Watcher;
import io.ev4j.core.socket.TcpListener;
import io.ev4j.core.socket.TcpSocket;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/// The ev4j echo server of the comparison, written for speed: one loop thread, one reused
/// direct read buffer for every connection, one io watcher per connection.
///
/// ```java
/// EchoServer server = Ev4jEchoServer.start("epoll", 0);
/// System.out.println(server.port());
/// ```
///
/// Per readiness of a connection: one `read` into the shared buffer, one `write` of what was
/// read, level-triggered (data left unread is reported again on the next poll, so no second
/// read that would only find nothing). Only when the socket's send buffer is full is the rest
/// copied into the connection's own buffer (made on first need, kept) and the watcher turned
/// to write interest until it is flushed; reading pauses meanwhile (backpressure). The steady
/// state allocates nothing per message.
final class Ev4jEchoServer {
    private static final int READ_SIZE = 64 * 1024;
    private static final int ACCEPTS_PER_EVENT = 256;

    private Ev4jEchoServer() {
    }

    /// Starts a loop on `backend` (`epoll`, `poll`, `nio`) on its own thread, listening on
    /// 127.0.0.1:`port` (0: an ephemeral port); returns once it listens.
    static EchoServer start(String backend, int port) throws Exception {
        return LoopEchoServer.start(backend, "ev4j-echo-loop", "ev4j", loop -> {
            TcpListener listener = TcpListener.listen(loop, new InetSocketAddress("127.0.0.1", port), 4096);
            new Acceptor(loop, listener).watcher.start();
            return listener.localAddress().getPort();
        });
    }

    /// Accepts connections; owns the read buffer all connections share (one loop thread).
    private static final class Acceptor implements Watcher.Callback<IoWatcher> {
        final Loop loop;
        final TcpListener listener;
        final IoWatcher watcher;
        final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_SIZE);

        Acceptor(Loop loop, TcpListener listener) {
            this.loop = loop;
            this.listener = listener;
            this.watcher = new IoWatcher(loop, listener.source(), Events.READ, this);
        }

        @Override
        public void onEvent(IoWatcher w, int events) {
            for (int i = 0; i < ACCEPTS_PER_EVENT; i++) {
                try {
                    TcpSocket socket = listener.accept();
                    if (socket == null) {
                        return;
                    }
                    socket.setTcpNoDelay(true);
                    new Connection(this, socket).watcher.start();
                } catch (IOException e) {
                    throw new UncheckedIOException("accept failed", e);
                }
            }
        }
    }

    private static final class Connection implements Watcher.Callback<IoWatcher> {
        private final ByteBuffer readBuffer;
        private final TcpSocket socket;
        private final IoWatcher watcher;
        /// What the socket did not take; made on the first full send buffer, then reused.
        private ByteBuffer unsent;

        Connection(Acceptor acceptor, TcpSocket socket) {
            this.readBuffer = acceptor.readBuffer;
            this.socket = socket;
            this.watcher = new IoWatcher(acceptor.loop, socket.source(), Events.READ, this);
        }

        @Override
        public void onEvent(IoWatcher w, int events) {
            try {
                if ((events & Events.WRITE) != 0) {
                    flush();
                } else {
                    echo();
                }
            } catch (IOException e) {
                close();                                   // reset by the peer and the like
            }
        }

        private void echo() throws IOException {
            ByteBuffer buffer = readBuffer;
            buffer.clear();
            int n = socket.read(buffer);
            if (n <= 0) {
                if (n < 0) {
                    close();
                }
                return;
            }
            buffer.flip();
            socket.write(buffer);
            if (buffer.hasRemaining()) {
                if (unsent == null) {
                    unsent = ByteBuffer.allocateDirect(READ_SIZE);
                }
                unsent.clear();
                unsent.put(buffer).flip();
                watcher.setEvents(Events.WRITE);           // no reads until this is out
            }
        }

        private void flush() throws IOException {
            socket.write(unsent);
            if (!unsent.hasRemaining()) {
                watcher.setEvents(Events.READ);
            }
        }

        private void close() {
            watcher.stop();
            socket.close();
        }
    }
}
