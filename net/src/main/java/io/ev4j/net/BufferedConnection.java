package io.ev4j.net;

import io.ev4j.core.CheckWatcher;
import io.ev4j.core.Events;
import io.ev4j.core.IoWatcher;
import io.ev4j.core.Loop;
import io.ev4j.core.TimerWatcher;
import io.ev4j.core.socket.TcpSocket;
import io.ev4j.net.buffer.Buffer;
import io.ev4j.net.buffer.SegmentPool;
import io.ev4j.net.tls.TlsConfig;
import io.ev4j.net.tls.TlsSession;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

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
///   `ERROR` with `READING` or `WRITING` (both sides disabled, [#lastError()] says why),
///   `READING|TIMEOUT` / `WRITING|TIMEOUT` (that side disabled). The connection never closes
///   itself: the event callback decides.
/// - **Timeouts** count inactivity: the read timeout runs while reading is enabled and not held
///   back by a watermark or a rate limit; the write timeout while output waits to be written (or
///   a connect is in progress). Every transfer restarts them.
/// - **Filters** ([#setFilters]) transform bytes between the socket and the buffers; **rate
///   limits** ([#setRateLimit], [RateLimitGroup]) cap bytes per tick.
///
/// ## Guarantees and caveats
/// - The steady state (read into the input, callback, write from the output) allocates nothing
///   per event: one io watcher per connection, buffers from the [SegmentPool].
/// - Without [ConnectionOption#DEFER_CALLBACKS], callbacks run straight from the loop's io and
///   timer callbacks, or from inside the call that caused them (a write into a [ConnectionPair]
///   end runs the other end's read callback at once). With it they always run from the loop.
/// - A callback that throws goes to the loop's error handler; the connection stays usable.
/// - [#close()] releases the buffers' segments, stops every watcher, and closes the socket if it
///   owns it; the buffers must not be used afterwards. Loop thread only, like the loop.
public final class BufferedConnection implements AutoCloseable {

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

    static final int SUSPEND_WATERMARK = 1;
    static final int SUSPEND_RATE = 2;
    static final int SUSPEND_GROUP = 4;
    private static final int OWE_READ = 1;
    private static final int OWE_WRITE = 2;
    private static final int OWE_EVENT = 4;
    /// A pair's other end finished: end of stream.
    private static final int OWE_EOF = 8;

    final Loop loop;
    private final SegmentPool pool;
    /// The socket; null for a [ConnectionPair] end.
    private final Transport transport;
    /// The other end of a pair; null for a socket or once the other end closed.
    BufferedConnection partner;
    private final boolean closeOnFree;
    private final boolean deferCallbacks;
    private final Buffer input;
    private final Buffer output;
    /// Socket-side stages while a filter is set, else null.
    private Buffer rawIn;
    private Buffer rawOut;
    private ConnectionFilter inFilter;
    private ConnectionFilter outFilter;
    private final IoWatcher io;
    private final TimerWatcher readTimer;
    private final TimerWatcher writeTimer;
    /// Never started: fed to run owed callbacks from the loop.
    private final CheckWatcher dispatcher;
    private DataCallback readCallback;
    private DataCallback writeCallback;
    private EventCallback eventCallback;
    private int owed;
    private int owedEvents;
    private boolean readEnabled;
    private boolean writeEnabled = true;
    int suspendRead;
    int suspendWrite;
    private boolean connecting;
    /// Connected, and a TLS handshake runs before [ConnectionEvents#CONNECTED].
    private boolean handshaking;
    /// Bounds the handshake; made when one starts.
    private TimerWatcher handshakeTimer;
    private boolean eof;
    /// [#finishOutput()] was called: shut the socket's output once all is written.
    private boolean finishing;
    private boolean outputShut;
    private boolean closed;
    private IOException lastError;
    private long readLowBytes;
    private long readHighBytes;
    private long writeLowBytes;
    private long readTimeoutNs;
    private long writeTimeoutNs;
    private int maxReadBytes = DEFAULT_MAX_READ_BYTES;
    private TokenBucket bucket;
    RateLimitGroup group;

    BufferedConnection(Loop loop, SegmentPool pool, Transport transport, boolean closeOnFree,
                       ConnectionOption... options) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.pool = Objects.requireNonNull(pool, "pool");
        this.transport = transport;
        boolean close = closeOnFree;
        boolean defer = false;
        for (ConnectionOption o : options) {
            close |= o == ConnectionOption.CLOSE_ON_FREE;
            defer |= o == ConnectionOption.DEFER_CALLBACKS;
        }
        this.closeOnFree = close;
        this.deferCallbacks = defer;
        this.input = new Buffer(pool);
        this.output = new Buffer(pool);
        input.addListener((b, originalLength, added, removed) -> inputDrained(removed));
        output.addListener((b, originalLength, added, removed) -> outputAdded(added));
        this.io = transport == null ? null : new IoWatcher(loop, transport.source(), Events.READ, this::ready);
        this.readTimer = new TimerWatcher(loop, (w, events) -> timedOut(ConnectionEvents.READING));
        this.writeTimer = new TimerWatcher(loop, (w, events) -> timedOut(ConnectionEvents.WRITING));
        this.dispatcher = new CheckWatcher(loop, (w, events) -> runOwed());
    }

    /// A connection over `socket`, connected already (accepted, say). The socket is closed by
    /// [#close()] only with [ConnectionOption#CLOSE_ON_FREE].
    public static BufferedConnection wrap(Loop loop, SegmentPool pool, TcpSocket socket, ConnectionOption... options) {
        Objects.requireNonNull(socket, "socket");
        return new BufferedConnection(loop, pool, new SocketTransport(socket), false, options);
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
        if (remote.isUnresolved()) {
            throw new IllegalArgumentException("address is unresolved: " + remote);
        }
        TcpSocket socket;
        try {
            socket = TcpSocket.connect(loop, remote);
        } catch (IOException e) {
            return failedAtOnce(loop, pool, e, options);
        }
        BufferedConnection c = new BufferedConnection(loop, pool, new SocketTransport(socket), true, options);
        c.connecting = true;
        c.updateInterest();
        return c;
    }

    /// A TLS connection over `socket`, connected already (accepted, say): the handshake runs
    /// at once, and the event callback gets [ConnectionEvents#CONNECTED] when it completes,
    /// or `ERROR` (`ERROR|TIMEOUT` when [TlsConfig#handshakeTimeout()] ran out first). Input
    /// and output hold plaintext; output written meanwhile is sent once the handshake is done.
    /// [#finishOutput()] sends `close_notify` before shutting the socket's output, and [#close()]
    /// sends it too if the socket takes it at once.
    public static BufferedConnection wrap(Loop loop, SegmentPool pool, TcpSocket socket, TlsConfig tls,
                                          ConnectionOption... options) {
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(tls, "tls");
        InetSocketAddress peer = null;
        try {
            peer = socket.remoteAddress();
        } catch (IOException ignored) {
            // no hint for session resumption
        }
        BufferedConnection c;
        try {
            c = new BufferedConnection(loop, pool, tlsOver(new SocketTransport(socket), pool, tls, peer), false, options);
        } catch (SSLException e) {
            return failedAtOnce(loop, pool, e, options);
        }
        c.beginHandshake();
        return c;
    }

    /// [#connect(Loop, SegmentPool, InetSocketAddress, ConnectionOption...)], then a TLS
    /// handshake as in [#wrap(Loop, SegmentPool, TcpSocket, TlsConfig, ConnectionOption...)]:
    /// [ConnectionEvents#CONNECTED] comes once it completes.
    public static BufferedConnection connect(Loop loop, SegmentPool pool, InetSocketAddress remote, TlsConfig tls,
                                             ConnectionOption... options) {
        Objects.requireNonNull(tls, "tls");
        if (remote.isUnresolved()) {
            throw new IllegalArgumentException("address is unresolved: " + remote);
        }
        TcpSocket socket;
        try {
            socket = TcpSocket.connect(loop, remote);
        } catch (IOException e) {
            return failedAtOnce(loop, pool, e, options);
        }
        Transport transport;
        try {
            transport = tlsOver(new SocketTransport(socket), pool, tls, remote);
        } catch (SSLException e) {
            socket.close();
            return failedAtOnce(loop, pool, e, options);
        }
        BufferedConnection c = new BufferedConnection(loop, pool, transport, true, options);
        c.connecting = true;
        c.updateInterest();
        return c;
    }

    private static Transport tlsOver(Transport raw, SegmentPool pool, TlsConfig tls, InetSocketAddress peer)
            throws SSLException {
        return new TlsTransport(raw, pool, tls, peer == null ? null : peer.getHostString(),
                peer == null ? -1 : peer.getPort());
    }

    private static BufferedConnection failedAtOnce(Loop loop, SegmentPool pool, IOException e,
                                                   ConnectionOption... options) {
        BufferedConnection failed = new BufferedConnection(loop, pool, null, true, options);
        failed.writeEnabled = false;
        failed.lastError = e;
        failed.owe(OWE_EVENT, ConnectionEvents.ERROR);
        return failed;
    }

    /// The transport, for tests in this package; null for a pair end.
    Transport transport() {
        return transport;
    }

    /// The TLS session of a connection made with a [TlsConfig] (its ALPN protocol, peer
    /// certificates, the server name a client asked for), else null.
    public TlsSession tlsSession() {
        return transport instanceof TlsTransport t ? t.session() : null;
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
    /// shut down, or the other [ConnectionPair] end reads end of stream. Reading goes on.
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
        if (io != null) {
            io.stop();
        }
        readTimer.stop();
        writeTimer.stop();
        dispatcher.stop();
        if (handshakeTimer != null) {
            handshakeTimer.stop();
        }
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
        return "BufferedConnection[" + (transport != null ? transport : "pair end") + ", input " + input.length()
                + ", output " + output.length() + (closed ? ", closed" : "") + "]";
    }

    // ---------------------------------------------------------------- the engine

    private Buffer inStage() {
        return inFilter != null ? rawIn : input;
    }

    private Buffer outStage() {
        return outFilter != null ? rawOut : output;
    }

    /// Bytes written by the user and not yet sent.
    private long unsent() {
        return output.length() + (rawOut != null ? rawOut.length() : 0);
    }

    private boolean wantsRead() {
        return !closed && (handshaking || readEnabled && suspendRead == 0 && !eof && !connecting);
    }

    private boolean wantsWrite() {
        if (closed) {
            return false;
        }
        if (transport != null && lastError == null && transport.hasPendingOutput()) {
            return true;                            // TLS records the transport must still send
        }
        return writeEnabled && (connecting
                || (!handshaking && suspendWrite == 0 && !outputShut && !outStage().isEmpty()));
    }

    /// Brings the io watcher and the timers in line with the state; cheap when nothing changes.
    void updateInterest() {
        boolean read = wantsRead();
        boolean write = wantsWrite();
        if (io != null && !closed) {
            int events = (read ? Events.READ : 0) | (write ? Events.WRITE : 0);
            if (events == 0) {
                io.stop();
            } else {
                if (events != io.events()) {
                    io.setEvents(events);
                }
                io.start();
            }
        }
        arm(readTimer, read && readTimeoutNs > 0);
        arm(writeTimer, write && writeTimeoutNs > 0);
    }

    private static void arm(TimerWatcher timer, boolean on) {
        if (!on) {
            timer.stop();
        } else if (!timer.isActive()) {
            timer.again();
        }
    }

    /// Makes bytes move: the io watcher for a socket, a transfer for a pair end.
    void kick() {
        if (transport == null && partner != null) {
            transferToPartner();
        }
        updateInterest();
    }

    private void kickPartner() {
        if (partner != null) {
            partner.kick();
        }
    }

    private void ready(IoWatcher w, int events) {
        if ((events & Events.WRITE) != 0) {
            writeReady();
        }
        if ((events & Events.READ) != 0 && wantsRead()) {
            readReady();
        }
    }

    private void readReady() {
        long max = Math.min(maxReadBytes, readAllowance());
        if (readHighBytes > 0) {
            max = Math.min(max, readHighBytes - input.length());
        }
        if (max <= 0 && !handshaking) {
            updateInterest();
            return;
        }
        long before = inStage().length();
        long n;
        try {
            n = transport.readInto(inStage(), (int) Math.max(1, max));
        } catch (IOException e) {
            fail(ConnectionEvents.READING, e);
            return;
        }
        if (handshaking && !transport.isHandshaking()) {
            handshakeDone();
            if (closed) {
                return;
            }
        }
        if (n < 0) {
            if (inStage().length() > before) {
                arrived();                          // plaintext that came with TLS close_notify
            }
            if (!closed) {
                endOfStream();
            }
            return;
        }
        if (n > 0) {
            consumedRead(n);
            if (readTimer.isActive()) {
                readTimer.again();
            }
            arrived();
        }
    }

    private long readAllowance() {
        long max = Long.MAX_VALUE;
        if (bucket != null) {
            max = bucket.readTokens;
        }
        if (group != null) {
            max = Math.min(max, group.readAllowance());
        }
        return max;
    }

    private long writeAllowance() {
        long max = Long.MAX_VALUE;
        if (bucket != null) {
            max = bucket.writeTokens;
        }
        if (group != null) {
            max = Math.min(max, group.writeAllowance());
        }
        return max;
    }

    private void consumedRead(long n) {
        if (bucket != null) {
            bucket.consumeRead(n);
            if (bucket.readTokens <= 0) {
                suspendRead |= SUSPEND_RATE;
                updateInterest();
            }
        }
        if (group != null) {
            group.consumedRead(n);
        }
    }

    private void consumedWrite(long n) {
        if (bucket != null) {
            bucket.consumeWrite(n);
            if (bucket.writeTokens <= 0) {
                suspendWrite |= SUSPEND_RATE;
                updateInterest();
            }
        }
        if (group != null) {
            group.consumedWrite(n);
        }
    }

    private void bucketRefilled() {
        suspendRead &= ~SUSPEND_RATE;
        suspendWrite &= ~SUSPEND_RATE;
        kick();
    }

    /// Bytes landed in the in-stage: filter them, apply the high watermark, call back.
    void arrived() {
        if (inFilter != null && !filterIn(ConnectionFilter.Mode.NORMAL)) {
            return;
        }
        checkHighWatermark();
        long length = input.length();
        if (length > 0 && length >= readLowBytes) {
            callRead();
        }
    }

    private void checkHighWatermark() {
        if (readHighBytes > 0 && input.length() >= readHighBytes && (suspendRead & SUSPEND_WATERMARK) == 0) {
            suspendRead |= SUSPEND_WATERMARK;
            updateInterest();
        }
    }

    /// The input listener: bytes consumed may lift the high watermark's hold.
    private void inputDrained(long removed) {
        if (removed == 0 || closed || (suspendRead & SUSPEND_WATERMARK) == 0) {
            return;
        }
        if (readHighBytes == 0 || input.length() < readHighBytes) {
            suspendRead &= ~SUSPEND_WATERMARK;
            if (inFilter != null && !rawIn.isEmpty()) {
                arrived();                          // bytes held back before the filter
            }
            kick();
            kickPartner();
        }
    }

    /// The output listener: new bytes to send.
    private void outputAdded(long added) {
        if (added == 0 || closed) {
            return;
        }
        if (outFilter != null) {
            filterOut(ConnectionFilter.Mode.NORMAL);
        }
        kick();
    }

    private boolean filterIn(ConnectionFilter.Mode mode) {
        long room = readHighBytes > 0 ? Math.max(0, readHighBytes - input.length()) : Long.MAX_VALUE;
        return runFilter(inFilter, rawIn, input, room, mode, ConnectionEvents.READING);
    }

    private void filterOut(ConnectionFilter.Mode mode) {
        runFilter(outFilter, output, rawOut, Long.MAX_VALUE, mode, ConnectionEvents.WRITING);
    }

    private boolean runFilter(ConnectionFilter filter, Buffer src, Buffer dst, long room,
                              ConnectionFilter.Mode mode, int side) {
        ConnectionFilter.Result result;
        try {
            result = filter.filter(src, dst, room, mode);
        } catch (RuntimeException e) {
            fail(side, new IOException((side == ConnectionEvents.READING ? "input" : "output")
                    + " filter threw " + e, e));
            return false;
        }
        if (result == ConnectionFilter.Result.ERROR) {
            fail(side, new IOException((side == ConnectionEvents.READING ? "input" : "output")
                    + " filter reported malformed bytes"));
            return false;
        }
        return true;
    }

    private void writeReady() {
        if (connecting) {
            finishConnecting();
            return;
        }
        if (transport.hasPendingOutput()) {
            try {
                transport.flushPending();
            } catch (IOException e) {
                fail(ConnectionEvents.WRITING, e);
                return;
            }
        }
        if (handshaking) {
            updateInterest();
            return;
        }
        Buffer src = outStage();
        long max = writeAllowance();
        if (src.isEmpty() || max <= 0 || !wantsWrite()) {
            updateInterest();
            return;
        }
        long n;
        try {
            n = transport.writeFrom(src, max);
        } catch (IOException e) {
            fail(ConnectionEvents.WRITING, e);
            return;
        }
        if (n > 0) {
            consumedWrite(n);
            if (writeTimer.isActive()) {
                writeTimer.again();
            }
        }
        updateInterest();
        shutIfFlushed();
        if (n > 0 && unsent() <= writeLowBytes) {
            callWrite();
        }
    }

    private void finishConnecting() {
        boolean done;
        try {
            done = transport.finishConnect();
        } catch (IOException e) {
            connecting = false;
            fail(0, e);
            return;
        }
        if (done) {
            connecting = false;
            if (transport.isHandshaking()) {
                beginHandshake();
            } else {
                updateInterest();
                callEvent(ConnectionEvents.CONNECTED);
            }
        }
    }

    /// The socket is connected; a TLS handshake starts, bounded by its timeout.
    private void beginHandshake() {
        handshaking = true;
        long timeoutNs = transport.handshakeTimeoutNs();
        if (timeoutNs > 0) {
            handshakeTimer = new TimerWatcher(loop, (w, events) -> handshakeTimedOut(timeoutNs));
            handshakeTimer.start(timeoutNs, 0);
        }
        try {
            transport.startHandshake();
        } catch (IOException e) {
            handshaking = false;
            if (handshakeTimer != null) {
                handshakeTimer.stop();
            }
            lastError = e;
            readEnabled = false;
            writeEnabled = false;
            updateInterest();
            owe(OWE_EVENT, ConnectionEvents.ERROR);   // from the loop: a factory may be mid-call
            return;
        }
        updateInterest();
    }

    private void handshakeDone() {
        handshaking = false;
        if (handshakeTimer != null) {
            handshakeTimer.stop();
        }
        updateInterest();
        callEvent(ConnectionEvents.CONNECTED);
        if (!closed) {
            kick();                                 // output written during the handshake
        }
    }

    private void handshakeTimedOut(long timeoutNs) {
        handshaking = false;
        lastError = new SSLHandshakeException("the TLS handshake did not finish within "
                + java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms");
        readEnabled = false;
        writeEnabled = false;
        updateInterest();
        callEvent(ConnectionEvents.ERROR | ConnectionEvents.TIMEOUT);
    }

    /// A pair end: moves what the other end may take into its in-stage.
    private void transferToPartner() {
        BufferedConnection dst = partner;
        Buffer src = outStage();
        if (closed || !writeEnabled || suspendWrite != 0 || src.isEmpty()
                || !dst.readEnabled || dst.suspendRead != 0 || dst.eof) {
            return;
        }
        long n = src.length();
        if (dst.readHighBytes > 0) {
            n = Math.min(n, dst.readHighBytes - dst.input.length());
        }
        if (n <= 0) {
            return;
        }
        src.remove(dst.inStage(), n);
        if (writeTimer.isActive()) {
            writeTimer.again();
        }
        if (dst.readTimer.isActive()) {
            dst.readTimer.again();
        }
        dst.arrived();
        if (closed) {
            return;
        }
        updateInterest();
        shutIfFlushed();
        if (unsent() <= writeLowBytes) {
            callWrite();
        }
    }

    private void shutIfFlushed() {
        if (!finishing || outputShut || closed || !outStage().isEmpty() || !output.isEmpty()) {
            return;
        }
        if (transport != null) {
            if (connecting) {
                return;
            }
            outputShut = true;
            try {
                transport.shutdownOutput();
            } catch (IOException e) {
                fail(ConnectionEvents.WRITING, e);
            }
        } else if (partner != null) {
            outputShut = true;
            partner.peerFinished();
        }
    }

    /// A pair end's other end finished or closed: end of stream once its bytes are read.
    void peerFinished() {
        if (closed || eof) {
            return;
        }
        owe(OWE_EOF, 0);                            // from the loop: the other end is mid-call
    }

    private void endOfStream() {
        eof = true;
        readEnabled = false;
        if (inFilter != null && filterIn(ConnectionFilter.Mode.FINISHED) && input.length() > 0) {
            callRead();
        }
        updateInterest();
        callEvent(ConnectionEvents.READING | ConnectionEvents.EOF);
    }

    private void timedOut(int side) {
        if (side == ConnectionEvents.READING) {
            readEnabled = false;
        } else {
            writeEnabled = false;
        }
        updateInterest();
        callEvent(side | ConnectionEvents.TIMEOUT);
    }

    private void fail(int side, IOException e) {
        lastError = e;
        readEnabled = false;
        writeEnabled = false;
        updateInterest();
        callEvent(side | ConnectionEvents.ERROR);
    }

    // ---------------------------------------------------------------- callbacks

    private void callRead() {
        if (deferCallbacks) {
            owe(OWE_READ, 0);
        } else if (readCallback != null) {
            readCallback.onData(this);
        }
    }

    private void callWrite() {
        if (deferCallbacks) {
            owe(OWE_WRITE, 0);
        } else if (writeCallback != null) {
            writeCallback.onData(this);
        }
    }

    private void callEvent(int events) {
        if (deferCallbacks) {
            owe(OWE_EVENT, events);
        } else if (eventCallback != null) {
            eventCallback.onEvent(this, events);
        }
    }

    private void owe(int what, int events) {
        owed |= what;
        owedEvents |= events;
        if (!dispatcher.isPending()) {
            dispatcher.feed(Events.CUSTOM);
        }
    }

    private void runOwed() {
        int what = owed;
        int events = owedEvents;
        owed = 0;
        owedEvents = 0;
        try {
            if ((what & OWE_READ) != 0 && !closed && readCallback != null) {
                readCallback.onData(this);
            }
        } finally {
            runOwedRest(what, events);
        }
    }

    /// The rest of [#runOwed()], run even if the read callback threw.
    private void runOwedRest(int what, int events) {
        try {
            if ((what & OWE_WRITE) != 0 && !closed && writeCallback != null) {
                writeCallback.onData(this);
            }
        } finally {
            try {
                if ((what & OWE_EVENT) != 0 && !closed && eventCallback != null) {
                    eventCallback.onEvent(this, events);
                }
            } finally {
                if ((what & OWE_EOF) != 0 && !closed && !eof) {
                    endOfStream();                  // runs its callbacks as configured
                }
            }
        }
    }
}
