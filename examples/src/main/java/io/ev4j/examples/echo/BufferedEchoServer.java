package io.ev4j.examples.echo;

import io.ev4j.core.Loop;
import io.ev4j.core.socket.TcpSocket;
import io.ev4j.examples.Example;
import io.ev4j.net.BufferedConnection;
import io.ev4j.net.ConnectionEvents;
import io.ev4j.net.ConnectionOption;
import io.ev4j.net.buffer.SegmentPool;
import io.ev4j.net.tls.TlsConfig;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;

/// The echo server on [BufferedConnection]s: every byte read is written back.
///
/// ```java
/// BufferedEchoServer server = BufferedEchoServer.start(loop, new InetSocketAddress(34567));
/// loop.run();
/// ```
///
/// Each read callback moves the input's segments to the output (no copy). When a client reads
/// slower than it writes, the output grows to [#OUTPUT_HIGH_BYTES] and reading stops; the write
/// callback, run once the output drains to [#OUTPUT_LOW_BYTES], starts it again: memory per
/// connection stays bounded. At end of stream the rest of the output is flushed, then the
/// connection closes.
public final class BufferedEchoServer implements AutoCloseable {
    /// Reading stops while this much waits to be written back.
    public static final long OUTPUT_HIGH_BYTES = 256 * 1024;
    /// Reading starts again once the output is down to this.
    public static final long OUTPUT_LOW_BYTES = 64 * 1024;

    private final Loop loop;
    /// TLS for every connection, or null for plain TCP.
    private final TlsConfig tls;
    private final Acceptor acceptor;
    private final SegmentPool pool = new SegmentPool();
    private final Set<BufferedConnection> connections = new HashSet<>();
    /// Connections whose client ended while echoes still wait to be written.
    private final Set<BufferedConnection> ending = new HashSet<>();
    private final BufferedConnection.DataCallback onRead = this::echo;
    private final BufferedConnection.DataCallback onWritten = this::written;
    private final BufferedConnection.EventCallback onEvent = this::event;

    private BufferedEchoServer(Loop loop, InetSocketAddress address, TlsConfig tls, String name) throws IOException {
        this.loop = loop;
        this.tls = tls;
        this.acceptor = new Acceptor(loop, address, name, this::serve);
    }

    /// Listens on `address` and starts accepting on `loop`.
    public static BufferedEchoServer start(Loop loop, InetSocketAddress address) throws IOException {
        return new BufferedEchoServer(loop, address, null, "buffered-echo-server");
    }

    /// The same server speaking TLS set up by `tls` (a server config) on every connection.
    public static BufferedEchoServer startTls(Loop loop, InetSocketAddress address, TlsConfig tls) throws IOException {
        return new BufferedEchoServer(loop, address, tls, "tls-echo-server");
    }

    /// Runs `server` until Ctrl-C (or SIGTERM), then closes it and the loop.
    static int serveUntilStopped(Loop loop, BufferedEchoServer server) throws Exception {
        return Acceptor.serveUntilStopped(loop, server.acceptor, server);
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
        BufferedConnection c = tls == null
                ? BufferedConnection.wrap(loop, pool, socket, ConnectionOption.CLOSE_ON_FREE)
                : BufferedConnection.wrap(loop, pool, socket, tls, ConnectionOption.CLOSE_ON_FREE);
        c.setCallbacks(onRead, onWritten, onEvent);
        c.setWriteLowWatermark(OUTPUT_LOW_BYTES);
        c.enableReading();
        connections.add(c);
    }

    private void echo(BufferedConnection c) {
        c.output().append(c.input());              // moves the segments
        if (c.output().length() >= OUTPUT_HIGH_BYTES) {
            c.disableReading();                    // backpressure until the client catches up
        }
    }

    /// Runs when the output is down to [#OUTPUT_LOW_BYTES] (to 0 once the client has ended).
    private void written(BufferedConnection c) {
        if (ending.contains(c)) {
            close(c);                              // everything written back after the end
        } else if (!c.isReadingEnabled()) {
            c.enableReading();
        }
    }

    private void event(BufferedConnection c, int events) {
        if (events == ConnectionEvents.CONNECTED) {
            return;                                // a TLS handshake completed: echoing goes on
        }
        if (ConnectionEvents.has(events, ConnectionEvents.EOF) && !c.output().isEmpty()) {
            ending.add(c);
            c.setWriteLowWatermark(0);
        } else {
            close(c);                              // ended with nothing left, reset, and the like
        }
    }

    private void close(BufferedConnection c) {
        c.close();
        connections.remove(c);
        ending.remove(c);
    }

    /// Stops accepting and closes every connection and the pool. Loop thread.
    @Override
    public void close() {
        acceptor.close();
        for (BufferedConnection c : new ArrayList<>(connections)) {
            close(c);
        }
        pool.close();
    }

    /// `buffered-echo-server [port]`: port 34567 by default; Ctrl-C (or SIGTERM) stops it cleanly.
    public static int run(Example example) throws Exception {
        Loop loop = example.newLoop();
        BufferedEchoServer server = start(loop, new InetSocketAddress(example.port(0, 34567)));
        return Acceptor.serveUntilStopped(loop, server.acceptor, server);
    }
}
