package io.ev4j.bench.echo;

import io.ev4j.core.Loop;
import io.ev4j.core.socket.TcpSocket;
import io.ev4j.net.BufferedConnection;
import io.ev4j.net.ConnectionOption;
import io.ev4j.net.Listener;
import io.ev4j.net.buffer.SegmentPool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/// The ev4j echo server of the comparison written as a user of the net module writes it: a
/// [Listener] and one [BufferedConnection] per connection, on one loop thread.
///
/// ```java
/// EchoServer server = BufferedEchoServer.start("epoll", 0);
/// System.out.println(server.port());
/// ```
///
/// The read callback moves the input's segments to the output (no copy); the connection writes
/// them when the callback returns. It is the raw-watcher server ([Ev4jEchoServer]) with the
/// buffers, callbacks and state of the net layer in between, so the two side by side show
/// what that layer costs. When a client reads slower than it writes, reading stops while
/// [#OUTPUT_HIGH_BYTES] wait and starts again once all of it is written. End of stream or an
/// error closes the connection. The steady state allocates nothing per message on the native
/// backends: segments come from one [SegmentPool] and go back to it.
final class BufferedEchoServer {
    /// Reading stops while this much waits to be written back.
    static final long OUTPUT_HIGH_BYTES = 256 * 1024;
    private static final int ACCEPTS_PER_WAKEUP = 256;
    /// Free chunks the pool keeps: enough for every connection of the largest shape to hold one.
    private static final int POOL_FREE_CHUNKS = 4096;

    private BufferedEchoServer() {
    }

    /// Starts a loop on `backend` (`epoll`, `poll`, `nio`) on its own thread, listening on
    /// 127.0.0.1:`port` (0: an ephemeral port); returns once it listens. The pool lives as long
    /// as the process: the server never stops, its JVM halts.
    static EchoServer start(String backend, int port) throws Exception {
        return LoopEchoServer.start(backend, "ev4j-buffered-echo-loop", "ev4j buffered", loop -> {
            Echo echo = new Echo(loop, new SegmentPool(SegmentPool.DEFAULT_CHUNK_SIZE, POOL_FREE_CHUNKS));
            Listener<TcpSocket> listener = Listener.tcp(loop, new InetSocketAddress("127.0.0.1", port))
                    .backlog(4096)
                    .maxAcceptsPerWakeup(ACCEPTS_PER_WAKEUP)
                    .onAccept(echo::accepted)
                    .open();
            return ((InetSocketAddress) listener.localAddress()).getPort();
        });
    }

    /// The callbacks every connection shares (made once, so no callback object per message).
    private static final class Echo {
        final Loop loop;
        final SegmentPool pool;
        final BufferedConnection.DataCallback onRead = this::echo;
        final BufferedConnection.DataCallback onWritten = this::written;
        final BufferedConnection.EventCallback onEvent = (c, events) -> c.close();   // EOF, ERROR

        Echo(Loop loop, SegmentPool pool) {
            this.loop = loop;
            this.pool = pool;
        }

        void accepted(TcpSocket socket, SocketAddress peer) {
            try {
                socket.setTcpNoDelay(true);
            } catch (IOException e) {
                socket.close();
                throw new UncheckedIOException("TCP_NODELAY on " + peer + " failed", e);
            }
            BufferedConnection c = BufferedConnection.wrap(loop, pool, socket, ConnectionOption.CLOSE_ON_FREE);
            c.setCallbacks(onRead, null, onEvent);
            c.enableReading();
        }

        private void echo(BufferedConnection c) {
            c.output().append(c.input());              // moves the segments
            if (c.output().length() >= OUTPUT_HIGH_BYTES) {
                c.disableReading();                    // backpressure: resume once all is written
                c.setCallbacks(onRead, onWritten, onEvent);
            }
        }

        private void written(BufferedConnection c) {
            c.setCallbacks(onRead, null, onEvent);
            c.enableReading();
        }
    }
}
