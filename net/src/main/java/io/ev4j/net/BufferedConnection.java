package io.ev4j.net;

import io.ev4j.core.Loop;
import io.ev4j.core.socket.StreamSocket;
import io.ev4j.core.socket.TcpSocket;
import io.ev4j.core.socket.UnixAddress;
import io.ev4j.core.socket.UnixSocket;
import io.ev4j.net.buffer.Buffer;
import io.ev4j.net.buffer.SegmentPool;
import io.ev4j.net.tls.TlsConfig;
import io.ev4j.net.tls.TlsSession;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/// A socket with an input and an output [Buffer], driven by the loop: a protocol is written as
/// callbacks on bytes rather than on system calls.
///
/// ```java
/// BufferedConnection c = BufferedConnection.wrap(loop, pool, accepted, ConnectionOption.CLOSE_ON_FREE);
/// c.setCallbacks(
///         conn -> conn.output().append(conn.input()),                  // echo: moves segments, no copy
///         null,
///         (conn, events) -> conn.close());                             // EOF, ERROR or TIMEOUT
/// c.enableReading();                                                  // writing is enabled from the start
/// ```
///
/// ## How bytes flow
/// - **In**: while reading is enabled the loop reads what arrives into [#input()] (at most
///   [#maxReadBytes()] per readiness) and calls the read callback when the input holds at least
///   the read low watermark. At the read high watermark reading stops; it starts again by itself
///   once the callback (or anyone) drains the input below it: backpressure, no byte lost.
/// - **Out**: whatever is appended to [#output()] is written when the socket is writable and
///   writing is enabled; the write callback runs when a write leaves at most the write low
///   watermark (0 by default: all sent).
/// - **Events**: [ConnectionEvents] bits: `CONNECTED`, `READING|EOF` (reading is disabled),
///   `ERROR` with `READING` or `WRITING`, or alone for a failed connect (both sides disabled,
///   [#lastError()] says why),
///   `READING|TIMEOUT` / `WRITING|TIMEOUT` (that side disabled). The connection never closes
///   itself: the event callback decides.
/// - **Timeouts** count inactivity: the read timeout runs while reading is enabled and not held
///   back by a watermark or a rate limit; the write timeout while output waits to be written (or
///   a connect is in progress). Every transfer restarts them.
/// - **Filters** ([#setFilters]) transform bytes between the socket and the buffers; **rate
///   limits** ([#setRateLimit], [RateLimitGroup]) cap bytes per tick.
/// - **Connecting**: to an [InetSocketAddress], a [UnixAddress], or a host name and port,
///   which a [HostResolver] looks up off the loop before each address is tried in turn.
/// - **TLS**: the `wrap` and `connect` overloads that take a [TlsConfig] put an `SSLEngine`
///   between the socket and the buffers, which then hold plaintext; `CONNECTED` comes when the
///   handshake completes, and [#tlsSession()] tells what was negotiated.
///
/// ## Guarantees and caveats
/// - Inside the callbacks that a socket's readiness runs, changes to what the connection waits
///   for (reading enabled or disabled, output appended or written) reach its io watcher once,
///   when that readiness has been handled, not at each change; a callback that runs the loop
///   again from inside (a nested run) would see the watcher as it was.
/// - The steady state (read into the input, callback, write from the output) allocates nothing
///   per event on the native backends: one io watcher per connection, buffers from the
///   [SegmentPool]. On `nio` too as long as each write finds the output in one chunk: a read
///   there asks for at most one chunk ([SegmentPool#chunkSize()]), so that the channel read
///   fills a single buffer, but writing an output that spans several chunks is a gathering
///   channel write, and the JDK's gathering (and scattering) calls allocate a little per buffer
///   for views of pooled memory.
/// - Without [ConnectionOption#DEFER_CALLBACKS], callbacks run straight from the loop's io and
///   timer callbacks, or from inside the call that caused them (a write into a [ConnectionPair]
///   end runs the other end's read callback at once). With it they always run from the loop.
/// - A callback that throws goes to the loop's error handler and the connection stays usable;
///   only a [ConnectionPair] read callback run inside the other end's write (no deferral)
///   throws out of that write instead.
/// - [#close()] releases the buffers' segments, stops every watcher, and closes the socket if it
///   owns it; the buffers must not be used afterwards. Loop thread only, like the loop.
public final class BufferedConnection extends ConnectionEngine implements AutoCloseable {

    /// Read and write callbacks: `conn -> ...`.
    @FunctionalInterface
    public interface DataCallback {
        /// Runs on the loop thread.
        void onData(BufferedConnection connection);
    }

    /// The event callback: `(conn, events) -> ...` with [ConnectionEvents] bits.
    @FunctionalInterface
    public interface EventCallback {
        /// Runs on the loop thread.
        void onEvent(BufferedConnection connection, int events);
    }

    /// Default [#maxReadBytes()].
    public static final int DEFAULT_MAX_READ_BYTES = 64 * 1024;

    BufferedConnection(Loop loop, SegmentPool pool, Transport transport, boolean closeOnFree,
                       ConnectionOption... options) {
        super(loop, pool, transport, closeOnFree, options);
    }

    /// A connection over `socket`, TCP or Unix-domain, connected already (accepted, say). The
    /// socket is closed by [#close()] only with [ConnectionOption#CLOSE_ON_FREE].
    public static BufferedConnection wrap(Loop loop, SegmentPool pool, StreamSocket socket,
                                          ConnectionOption... options) {
        return ConnectionFactory.wrap(loop, pool, socket, null, options);
    }

    /// Starts connecting to `remote`; the event callback gets [ConnectionEvents#CONNECTED] or
    /// [ConnectionEvents#ERROR] (then [#lastError()] holds the `ConnectException` or
    /// [io.ev4j.core.ErrnoException], `ECONNREFUSED` for one). A failure found at once is
    /// reported the same way, from the loop. Output written meanwhile is sent once connected.
    /// The connection owns the socket it makes and closes it.
    ///
    /// @throws IllegalArgumentException `remote` is unresolved
    public static BufferedConnection connect(Loop loop, SegmentPool pool, InetSocketAddress remote,
                                             ConnectionOption... options) {
        return dial(loop, pool, remote, null, options);
    }

    /// Starts connecting to the Unix-domain socket at `remote`, reported as for a TCP connect.
    /// A path nobody listens on fails at once (`ENOENT`, or `ECONNREFUSED` for a stale socket
    /// file): `ERROR` from the loop, [#lastError()] an [io.ev4j.core.ErrnoException] naming
    /// the path. The connection owns the socket it makes and closes it.
    ///
    /// ```java
    /// BufferedConnection c = BufferedConnection.connect(loop, pool, UnixAddress.of(Path.of("/run/app.sock")));
    /// ```
    ///
    /// @throws IllegalArgumentException `remote` is [UnixAddress#UNNAMED]
    public static BufferedConnection connect(Loop loop, SegmentPool pool, UnixAddress remote,
                                             ConnectionOption... options) {
        return dial(loop, pool, remote, null, options);
    }

    /// A TLS connection over `socket` (TCP or Unix-domain), connected already (accepted, say):
    /// the handshake runs at once, and the event callback gets [ConnectionEvents#CONNECTED]
    /// when it completes, or `ERROR` (`ERROR|TIMEOUT` when [TlsConfig#handshakeTimeout()] ran
    /// out first). Input and output hold plaintext; output written meanwhile is sent once the
    /// handshake is done. [#finishOutput()] sends `close_notify` before shutting the socket's
    /// output, and [#close()] sends it too if the socket takes it at once. [#tlsSession()]
    /// tells what was negotiated. A TCP peer's address hints session resumption; over a
    /// Unix-domain socket only [TlsConfig#serverName()] names the server.
    public static BufferedConnection wrap(Loop loop, SegmentPool pool, StreamSocket socket, TlsConfig tls,
                                          ConnectionOption... options) {
        return ConnectionFactory.wrap(loop, pool, socket, Objects.requireNonNull(tls, "tls"), options);
    }

    /// [#connect(Loop, SegmentPool, InetSocketAddress, ConnectionOption...)], then a TLS
    /// handshake as in [#wrap(Loop, SegmentPool, StreamSocket, TlsConfig, ConnectionOption...)]:
    /// [ConnectionEvents#CONNECTED] comes once it completes.
    public static BufferedConnection connect(Loop loop, SegmentPool pool, InetSocketAddress remote, TlsConfig tls,
                                             ConnectionOption... options) {
        return dial(loop, pool, remote, Objects.requireNonNull(tls, "tls"), options);
    }

    private static BufferedConnection dial(Loop loop, SegmentPool pool, InetSocketAddress remote, TlsConfig tls,
                                           ConnectionOption... options) {
        if (remote.isUnresolved()) {
            throw new IllegalArgumentException("address is unresolved: " + remote);
        }
        return ConnectionFactory.connect(loop, pool, () -> TcpSocket.connect(loop, remote), remote, tls, options);
    }

    /// [#connect(Loop, SegmentPool, UnixAddress, ConnectionOption...)], then a TLS handshake
    /// as in [#wrap(Loop, SegmentPool, StreamSocket, TlsConfig, ConnectionOption...)]. A client
    /// that checks the server's certificate needs [TlsConfig#serverName(String)]: a path names
    /// no host.
    public static BufferedConnection connect(Loop loop, SegmentPool pool, UnixAddress remote, TlsConfig tls,
                                             ConnectionOption... options) {
        return dial(loop, pool, remote, Objects.requireNonNull(tls, "tls"), options);
    }

    private static BufferedConnection dial(Loop loop, SegmentPool pool, UnixAddress remote, TlsConfig tls,
                                           ConnectionOption... options) {
        if (remote.isUnnamed()) {
            throw new IllegalArgumentException("cannot connect to an unnamed unix address");
        }
        return ConnectionFactory.connect(loop, pool, () -> UnixSocket.connect(loop, remote), remote, tls, options);
    }

    /// Starts connecting to `host` (a name, or a literal IPv4 or IPv6 address) on `port`,
    /// looking the name up with [HostResolver#system()]; see
    /// [#connect(Loop, SegmentPool, HostResolver, String, int, TlsConfig, ConnectionOption...)].
    ///
    /// ```java
    /// BufferedConnection c = BufferedConnection.connect(loop, pool, "localhost", 8080);
    /// ```
    public static BufferedConnection connect(Loop loop, SegmentPool pool, String host, int port,
                                             ConnectionOption... options) {
        return connect(loop, pool, HostResolver.system(), host, port, null, options);
    }

    /// [#connect(Loop, SegmentPool, String, int, ConnectionOption...)] with TLS: the server is
    /// named `host` (SNI and the host name check) unless [TlsConfig#serverName()] says otherwise.
    public static BufferedConnection connect(Loop loop, SegmentPool pool, String host, int port, TlsConfig tls,
                                             ConnectionOption... options) {
        return connect(loop, pool, HostResolver.system(), host, port, Objects.requireNonNull(tls, "tls"), options);
    }

    /// Starts connecting to `host` on `port`: `resolver` looks the name up without blocking
    /// the loop, then each address is tried in the resolver's order until one connects. A
    /// literal address is connected to at once, without the resolver. Meanwhile
    /// [#isConnecting()] is true, reading waits and output is kept; the write timeout
    /// ([#setTimeouts]) bounds the lookup and the attempts together. The event callback gets
    /// [ConnectionEvents#CONNECTED] (after the TLS handshake when `tls` is not null), or
    /// `ERROR`: then [#lastError()] is the resolver's error (an
    /// [java.net.UnknownHostException] for a name without addresses) or the first attempt's
    /// error, with those of the later attempts [Throwable#getSuppressed() suppressed] in it.
    /// [#close()] during the lookup drops its answer. The connection owns its sockets.
    ///
    /// @param tls null for a plain connection
    /// @throws IllegalArgumentException `host` is empty or `port` is outside 0-65535
    public static BufferedConnection connect(Loop loop, SegmentPool pool, HostResolver resolver, String host,
                                             int port, TlsConfig tls, ConnectionOption... options) {
        Objects.requireNonNull(resolver, "resolver");
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host name is empty");
        }
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port out of range 0-65535: " + port);
        }
        InetAddress literal = literalAddress(host);
        if (literal != null) {
            return dial(loop, pool, new InetSocketAddress(literal, port), tls, options);
        }
        return ConnectionFactory.connectByName(loop, pool, resolver, host, port, tls, options);
    }

    /// `host` as an address if it is written as one (IPv6 with or without brackets), else null.
    private static InetAddress literalAddress(String host) {
        String bare = host.length() > 2 && host.startsWith("[") && host.endsWith("]")
                ? host.substring(1, host.length() - 1) : host;
        try {
            return InetAddress.ofLiteral(bare);
        } catch (IllegalArgumentException notLiteral) {
            return null;
        }
    }

    /// The TLS session of a connection made with a [TlsConfig] (its ALPN protocol, peer
    /// certificates, the server name a client asked for), else null.
    public TlsSession tlsSession() {
        return transport instanceof TlsTransport t ? t.session() : null;
    }

    /// The transport, for tests in this package; null for a pair end.
    Transport transport() {
        return transport;
    }

    // ---------------------------------------------------------------- configuration

    /// Sets all three callbacks; any may be null (not called).
    public void setCallbacks(DataCallback read, DataCallback write, EventCallback event) {
        this.readCallback = read;
        this.writeCallback = write;
        this.eventCallback = event;
    }

    /// The bytes read and not yet consumed.
    public Buffer input() {
        return input;
    }

    /// The bytes waiting to be written; append to send.
    public Buffer output() {
        return output;
    }

    /// The loop this connection runs on.
    public Loop loop() {
        return loop;
    }

    /// The pool of its buffers.
    public SegmentPool pool() {
        return pool;
    }

    /// Starts reading (not enabled at creation). Does nothing while closed.
    public void enableReading() {
        readEnabled = true;
        kick();
        kickPartner();
    }

    /// Stops reading; what arrives waits in the socket.
    public void disableReading() {
        readEnabled = false;
        updateInterest();
    }

    /// Starts writing the output again (enabled at creation).
    public void enableWriting() {
        writeEnabled = true;
        kick();
    }

    /// Stops writing; the output keeps what is appended.
    public void disableWriting() {
        writeEnabled = false;
        updateInterest();
    }

    /// True if reading is enabled (it may still be held back by a watermark or rate limit).
    public boolean isReadingEnabled() {
        return readEnabled;
    }

    /// True if writing is enabled.
    public boolean isWritingEnabled() {
        return writeEnabled;
    }

    /// True while reading is enabled but held back: the input is at its high watermark, or
    /// the rate limit's read tokens are spent.
    public boolean isReadingSuspended() {
        return suspendRead != 0;
    }

    /// The read callback runs only when the input holds at least `lowBytes`; reading stops
    /// while it holds `highBytes` or more (0: no high watermark).
    ///
    /// @throws IllegalArgumentException a negative value, or `highBytes` not above `lowBytes`
    public void setReadWatermarks(long lowBytes, long highBytes) {
        if (lowBytes < 0 || highBytes < 0 || (highBytes != 0 && highBytes <= lowBytes)) {
            throw new IllegalArgumentException("read watermarks need 0 <= low < high (or high 0 for none), got low "
                    + lowBytes + ", high " + highBytes);
        }
        this.readLowBytes = lowBytes;
        this.readHighBytes = highBytes;
        checkHighWatermark();
        inputDrained(1);
    }

    /// The write callback runs when a write leaves at most `lowBytes` waiting (0 by default).
    public void setWriteLowWatermark(long lowBytes) {
        if (lowBytes < 0) {
            throw new IllegalArgumentException("write low watermark must be >= 0, got " + lowBytes);
        }
        this.writeLowBytes = lowBytes;
    }

    /// Inactivity timeouts for reading and writing in ns; 0 turns one off.
    public void setTimeouts(long readTimeoutNs, long writeTimeoutNs) {
        if (readTimeoutNs < 0 || writeTimeoutNs < 0) {
            throw new IllegalArgumentException("timeouts must be >= 0 ns (0: none), got read " + readTimeoutNs
                    + ", write " + writeTimeoutNs);
        }
        this.readTimeoutNs = readTimeoutNs;
        this.writeTimeoutNs = writeTimeoutNs;
        readTimer.stop();
        writeTimer.stop();
        if (readTimeoutNs > 0) {
            readTimer.set(readTimeoutNs, readTimeoutNs);
        }
        if (writeTimeoutNs > 0) {
            writeTimer.set(writeTimeoutNs, writeTimeoutNs);
        }
        updateInterest();
    }

    /// [#setTimeouts(long, long)] with durations; [Duration#ZERO] turns one off.
    public void setTimeouts(Duration read, Duration write) {
        setTimeouts(read.toNanos(), write.toNanos());
    }

    /// Most bytes read per readiness.
    public int maxReadBytes() {
        return maxReadBytes;
    }

    /// Sets the most bytes read per readiness, so one busy connection cannot starve the others.
    public void setMaxReadBytes(int maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("max read bytes must be >= 1, got " + maxBytes);
        }
        this.maxReadBytes = maxBytes;
    }

    /// Transforms bytes on the way in (`in`: socket to [#input()]) and out (`out`: [#output()]
    /// to socket); null for none. Set them before bytes flow.
    ///
    /// @throws IllegalStateException bytes wait in a filter stage being replaced
    public void setFilters(ConnectionFilter in, ConnectionFilter out) {
        if ((rawIn != null && !rawIn.isEmpty()) || (rawOut != null && !rawOut.isEmpty())) {
            throw new IllegalStateException("cannot change filters while bytes wait between a filter and the socket");
        }
        this.inFilter = in;
        this.outFilter = out;
        rawIn = stage(rawIn, in);
        rawOut = stage(rawOut, out);
        if (out != null && !output.isEmpty()) {
            filterOut(ConnectionFilter.Mode.NORMAL);
        }
        kick();
    }

    private Buffer stage(Buffer old, ConnectionFilter filter) {
        if (filter == null) {
            if (old != null) {
                old.close();
            }
            return null;
        }
        return old != null ? old : new Buffer(pool);
    }

    /// Limits this connection's reads and writes with a token bucket (null removes it).
    public void setRateLimit(RateLimit limit) {
        if (bucket != null) {
            bucket.close();
            bucket = null;
        }
        if (limit != null) {
            bucket = new TokenBucket(loop, limit, this::bucketRefilled);
        }
        suspendRead &= ~SUSPEND_RATE;
        suspendWrite &= ~SUSPEND_RATE;
        kick();
    }

    /// The rate limit set, or null.
    public RateLimit rateLimit() {
        return bucket == null ? null : bucket.limit();
    }

    /// The rate limit group it belongs to, or null.
    public RateLimitGroup rateLimitGroup() {
        return group;
    }

    // ---------------------------------------------------------------- state

    /// The failure behind the last [ConnectionEvents#ERROR], or null.
    public IOException lastError() {
        return lastError;
    }

    /// True after [#close()].
    public boolean isClosed() {
        return closed;
    }

    /// True while a connect is in progress.
    public boolean isConnecting() {
        return connecting;
    }

    /// Runs the output filter with `mode` ([ConnectionFilter.Mode#FINISHED] as
    /// [#finishOutput()]) and writes what it put out.
    public void flush(ConnectionFilter.Mode mode) {
        if (mode == ConnectionFilter.Mode.FINISHED) {
            finishOutput();
            return;
        }
        if (outFilter != null) {
            filterOut(mode);
        }
        kick();
    }

    /// Ends the stream to the peer once everything in the output has been written (after a
    /// [ConnectionFilter.Mode#FINISHED] pass of the output filter): the socket's output is
    /// shut down, or the other [ConnectionPair] end reads end of stream. Reading goes on; bytes
    /// appended after the shutdown stay in the output.
    public void finishOutput() {
        if (closed || finishing) {
            return;
        }
        finishing = true;
        if (outFilter != null) {
            filterOut(ConnectionFilter.Mode.FINISHED);
        }
        kick();
        shutIfFlushed();
    }

    /// Stops every watcher, releases the buffers (no event is reported), leaves a rate limit
    /// group, tells a [ConnectionPair]'s other end `READING|EOF`, and closes the socket if it
    /// is owned. Idempotent.
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (connector != null) {
            connector.cancel();
            connector = null;
        }
        if (io != null) {
            io.stop();
        }
        readTimer.stop();
        writeTimer.stop();
        dispatcher.stop();
        stopHandshake();
        owed = 0;
        if (bucket != null) {
            bucket.close();
        }
        if (group != null) {
            group.remove(this);
        }
        BufferedConnection other = partner;
        if (other != null) {
            partner = null;
            other.partner = null;
            other.peerFinished();
        }
        input.close();
        output.close();
        if (rawIn != null) {
            rawIn.close();
        }
        if (rawOut != null) {
            rawOut.close();
        }
        if (transport != null) {
            transport.release();
            if (closeOnFree) {
                transport.close();
            }
        }
    }

    @Override
    public String toString() {
        String over = transport != null ? transport.toString()
                : connector != null ? connector.toString() : partner != null ? "pair end" : "no socket";
        return "BufferedConnection[" + over + ", input " + input.length() + ", output " + output.length()
                + (closed ? ", closed" : "") + "]";
    }
}
