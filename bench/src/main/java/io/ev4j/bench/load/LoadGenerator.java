package io.ev4j.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

/// Drives an echo server with one [Shape] on the calling thread, the same way for every
/// server: plain JDK sockets and one selector, so that no library under test is also the load.
///
/// ```java
/// try (LoadGenerator load = LoadGenerator.connect(new InetSocketAddress("127.0.0.1", port), shape)) {
///     LoadGenerator.Result r = load.run(1_000_000_000L, 2_000_000_000L, () -> {}, () -> {});
/// }
/// ```
///
/// Every connection keeps `pipeline` messages of `sizeBytes` in flight: each message that comes
/// back whole is answered at once with the next (closed loop). The round trip of a message is
/// from the moment it was queued to the moment its last byte came back; the echo keeps order,
/// so the send times of a connection form a ring that is overwritten as messages return. Only
/// messages sent inside the measurement window enter the latency histogram; every message that
/// returns inside it counts for the rate. The steady state allocates nothing.
public final class LoadGenerator implements AutoCloseable {
    private static final int READ_SIZE = 256 * 1024;

    private final Shape shape;
    private final Selector selector;
    private final Conn[] conns;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_SIZE);
    private final ByteBuffer writeBuffer;
    private final LatencyHistogram histogram = new LatencyHistogram();
    private final Consumer<SelectionKey> onKey = this::onKey;
    /// Latencies are recorded for messages sent at or after this time.
    private long recordFromNs = Long.MAX_VALUE;
    private long completed;

    /// What one measurement window gave.
    public record Result(long messages, long elapsedNs, long p50Ns, long p99Ns) {
        public double messagesPerSecond() {
            return messages * 1e9 / elapsedNs;
        }
    }

    private static final class Conn {
        final SocketChannel channel;
        final long[] sentAtNs;
        SelectionKey key;
        int head;
        int partialBytes;
        long unwrittenBytes;
        boolean writeInterest;

        Conn(SocketChannel channel, int pipeline) {
            this.channel = channel;
            this.sentAtNs = new long[pipeline];
        }
    }

    private LoadGenerator(Shape shape, Selector selector, Conn[] conns) {
        this.shape = shape;
        this.selector = selector;
        this.conns = conns;
        int writeSize = Math.max(64 * 1024, shape.pipeline() * shape.sizeBytes());
        this.writeBuffer = ByteBuffer.allocateDirect(writeSize);
        for (int i = 0; i < writeSize; i++) {
            writeBuffer.put(i, (byte) ('a' + i % 26));
        }
    }

    /// Opens `shape.connections()` connections to `server` (blocking connects, then
    /// non-blocking with `TCP_NODELAY`); nothing is sent yet.
    public static LoadGenerator connect(InetSocketAddress server, Shape shape) throws IOException {
        Selector selector = Selector.open();
        Conn[] conns = new Conn[shape.connections()];
        try {
            for (int i = 0; i < conns.length; i++) {
                SocketChannel channel = SocketChannel.open(server);
                conns[i] = new Conn(channel, shape.pipeline());
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.configureBlocking(false);
                conns[i].key = channel.register(selector, SelectionKey.OP_READ, conns[i]);
            }
        } catch (IOException | RuntimeException e) {
            closeAll(selector, conns);
            throw new IOException("connecting " + shape.connections() + " connections to " + server + ": " + e, e);
        }
        return new LoadGenerator(shape, selector, conns);
    }

    /// Runs `warmupNs`, calls `atStart` (it may block: nothing is sent meanwhile), measures
    /// for `measureNs`, calls `atEnd`, and returns the window's figures.
    public Result run(long warmupNs, long measureNs, Runnable atStart, Runnable atEnd) throws IOException {
        long now = System.nanoTime();
        for (Conn c : conns) {
            java.util.Arrays.fill(c.sentAtNs, now);
            c.unwrittenBytes = (long) shape.pipeline() * shape.sizeBytes();
            flush(c);
        }
        spinUntil(now + warmupNs);
        atStart.run();
        histogram.reset();
        long startNs = System.nanoTime();
        recordFromNs = startNs;
        completed = 0;
        spinUntil(startNs + measureNs);
        long elapsedNs = System.nanoTime() - startNs;
        Result r = new Result(completed, elapsedNs, histogram.percentileNs(0.50), histogram.percentileNs(0.99));
        atEnd.run();
        return r;
    }

    private void spinUntil(long deadlineNs) throws IOException {
        while (System.nanoTime() - deadlineNs < 0) {
            selector.select(onKey, 10);
        }
    }

    private void onKey(SelectionKey key) {
        Conn c = (Conn) key.attachment();
        try {
            if (key.isWritable()) {
                flush(c);
            }
            if (key.isReadable()) {
                read(c);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("connection to the server failed", e);
        }
    }

    private void read(Conn c) throws IOException {
        readBuffer.clear();
        int n = c.channel.read(readBuffer);
        if (n < 0) {
            throw new IOException("the server closed a connection");
        }
        int size = shape.sizeBytes();
        int bytes = c.partialBytes + n;
        int done = bytes / size;
        c.partialBytes = bytes - done * size;
        if (done == 0) {
            return;
        }
        long now = System.nanoTime();
        long[] ring = c.sentAtNs;
        int head = c.head;
        for (int i = 0; i < done; i++) {
            long sent = ring[head];
            if (sent >= recordFromNs) {
                histogram.record(now - sent);
            }
            ring[head] = now;                      // the answer goes out now, last in the ring
            head = head + 1 == ring.length ? 0 : head + 1;
        }
        c.head = head;
        completed += done;
        c.unwrittenBytes += (long) done * size;
        flush(c);
    }

    private void flush(Conn c) throws IOException {
        while (c.unwrittenBytes > 0) {
            int len = (int) Math.min(c.unwrittenBytes, writeBuffer.capacity());
            writeBuffer.clear().limit(len);
            int written = c.channel.write(writeBuffer);
            c.unwrittenBytes -= written;
            if (written < len) {
                if (!c.writeInterest) {
                    c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    c.writeInterest = true;
                }
                return;
            }
        }
        if (c.writeInterest) {
            c.key.interestOps(SelectionKey.OP_READ);
            c.writeInterest = false;
        }
    }

    @Override
    public void close() {
        closeAll(selector, conns);
    }

    private static void closeAll(Selector selector, Conn[] conns) {
        for (Conn c : conns) {
            if (c != null) {
                try {
                    c.channel.close();
                } catch (IOException ignored) {
                    // closing is best effort
                }
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing is best effort
        }
    }
}
