package io.ev4j.net;

import io.ev4j.core.CheckWatcher;
import io.ev4j.core.Events;
import io.ev4j.core.IoWatcher;
import io.ev4j.core.Loop;
import io.ev4j.core.TimerWatcher;
import io.ev4j.core.Watcher;
import io.ev4j.net.buffer.Buffer;
import io.ev4j.net.buffer.SegmentPool;

import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;

/// The state and the machinery of a [BufferedConnection]: the io watcher and timers, reads
/// into the input, writes from the output, filters, pair transfers, rate accounting and the
/// (deferred) callbacks. The public API lives in [BufferedConnection]. Loop thread only.
abstract sealed class ConnectionEngine permits BufferedConnection {
    static final int SUSPEND_WATERMARK = 1;
    static final int SUSPEND_RATE = 2;
    static final int SUSPEND_GROUP = 4;
    static final int OWE_READ = 1;
    static final int OWE_WRITE = 2;
    static final int OWE_EVENT = 4;
    /// A pair's other end finished: end of stream.
    static final int OWE_EOF = 8;

    final Loop loop;
    final SegmentPool pool;
    /// The socket; null for a [ConnectionPair] end, and for a connect by host name until its
    /// first attempt ([#attach]).
    Transport transport;
    /// The other end of a pair; null for a socket or once the other end closed.
    BufferedConnection partner;
    final boolean closeOnFree;
    final boolean deferCallbacks;
    final Buffer input;
    final Buffer output;
    /// Socket-side stages while a filter is set, else null.
    Buffer rawIn;
    Buffer rawOut;
    ConnectionFilter inFilter;
    ConnectionFilter outFilter;
    /// Watches [#transport]; null while that is.
    IoWatcher io;
    /// A connect by host name still looking up or trying addresses, else null.
    HostConnector connector;
    /// [Transport#plainFd()] of [#transport]: reads and writes on a plain socket of a native
    /// backend go from the engine straight to the [Buffer], a call level less than through the
    /// transport, which keeps the whole `recv`/`send` downcall within the JIT's inlining depth
    /// (measured: the syscall at depth 9 of a compilation allocated, at 7 it did not). Such a
    /// transport holds no output of its own, so it is not asked.
    int socketFd = -1;
    /// The io callback runs: [#updateInterest()] waits for its end.
    boolean inReadiness;
    /// [#updateInterest()] was called while [#inReadiness].
    boolean interestStale;
    final TimerWatcher readTimer;
    final TimerWatcher writeTimer;
    /// Never started: fed to run owed callbacks from the loop.
    final CheckWatcher dispatcher;
    BufferedConnection.DataCallback readCallback;
    BufferedConnection.DataCallback writeCallback;
    BufferedConnection.EventCallback eventCallback;
    int owed;
    int owedEvents;
    boolean readEnabled;
    boolean writeEnabled = true;
    int suspendRead;
    int suspendWrite;
    boolean connecting;
    /// Connected, and a TLS handshake runs before [ConnectionEvents#CONNECTED].
    boolean handshaking;
    /// Bounds the handshake; made when one starts.
    TimerWatcher handshakeTimer;
    boolean eof;
    /// [#finishOutput()] was called: shut the socket's output once all is written.
    boolean finishing;
    boolean outputShut;
    boolean closed;
    IOException lastError;
    long readLowBytes;
    long readHighBytes;
    long writeLowBytes;
    long readTimeoutNs;
    long writeTimeoutNs;
    int maxReadBytes = BufferedConnection.DEFAULT_MAX_READ_BYTES;
    /// The last read took less than one chunk: the next asks for one chunk only, so that a
    /// connection of small messages does not take a chain of empty chunks from the pool (and
    /// hand an `iovec` per chunk to the kernel) for each read, only to give them back. A read
    /// that fills its chunk asks for [#maxReadBytes] again.
    boolean smallReads;
    TokenBucket bucket;
    RateLimitGroup group;

    ConnectionEngine(Loop loop, SegmentPool pool, Transport transport, boolean closeOnFree,
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
        this.io = transport == null ? null : watch(transport);
        this.readTimer = new TimerWatcher(loop, (w, events) -> timedOut(ConnectionEvents.READING));
        this.writeTimer = new TimerWatcher(loop, (w, events) -> timedOut(ConnectionEvents.WRITING));
        this.dispatcher = new CheckWatcher(loop, (w, events) -> runOwed());
    }

    private IoWatcher watch(Transport t) {
        socketFd = t.plainFd();
        return new IoWatcher(loop, t.source(), Events.READ, new Readiness(this));
    }

    /// A connect by host name: the next attempt's socket (connect in progress) replaces the
    /// last one's, which is closed.
    void attach(Transport next) {
        if (transport != null) {
            io.stop();
            transport.release();
            transport.close();
        }
        transport = next;
        io = watch(next);
        updateInterest();
    }

    /// A connect by host name found no address or none took: `ERROR`, both sides disabled.
    void connectFailed(IOException e) {
        connector = null;
        connecting = false;
        fail(0, e);
    }

    private BufferedConnection self() {
        return (BufferedConnection) this;
    }


    Buffer inStage() {
        return inFilter != null ? rawIn : input;
    }

    Buffer outStage() {
        return outFilter != null ? rawOut : output;
    }

    /// Bytes written by the user and not yet sent.
    long unsent() {
        return output.length() + (rawOut != null ? rawOut.length() : 0);
    }

    boolean wantsRead() {
        return !closed && (handshaking || readEnabled && suspendRead == 0 && !eof && !connecting);
    }

    boolean wantsWrite() {
        if (closed) {
            return false;
        }
        if (socketFd < 0 && transport != null && lastError == null && transport.hasPendingOutput()) {
            return true;                            // TLS records the transport must still send
        }
        return writeEnabled && (connecting
                || (!handshaking && suspendWrite == 0 && !outputShut && !outStage().isEmpty()));
    }

    /// Brings the io watcher and the timers in line with the state; cheap when nothing changes.
    /// Inside the io callback it only notes that the state changed, and the callback brings
    /// them in line once on its way out: an echo's read callback appends output (write
    /// interest on) that the same callback then writes (off again), and the watcher need not
    /// see either.
    void updateInterest() {
        if (inReadiness) {
            interestStale = true;
            return;
        }
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
        // without a timeout the timers stay untouched (setTimeouts stopped them): at a thousand
        // connections every object a message touches is a cache miss
        if (readTimeoutNs > 0) {
            arm(readTimer, read);
        }
        if (writeTimeoutNs > 0) {
            arm(writeTimer, write);
        }
    }

    static void arm(TimerWatcher timer, boolean on) {
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

    void kickPartner() {
        if (partner != null) {
            partner.kick();
        }
    }

    /// The io watcher's callback. The readiness handling is its body rather than a call from a
    /// lambda into the engine: each call level between the loop and `readv`/`writev` counts
    /// against the JIT's inlining depth, and the JDK's errno capture allocates 40 B per call
    /// unless its whole downcall is inlined into the same compilation (see [#socketFd]). It
    /// takes any [Watcher] so that the compiler makes no bridge method, which would be one
    /// more level.
    private static final class Readiness implements Watcher.Callback<Watcher> {
        private final ConnectionEngine c;

        Readiness(ConnectionEngine c) {
            this.c = c;
        }

        @Override
        public void onEvent(Watcher watcher, int events) {
            // full: the kernel did not report writable although asked, or a write just left bytes
            boolean full = (c.io.events() & Events.WRITE) != 0 && (events & Events.WRITE) == 0;
            c.inReadiness = true;
            try {
                if ((events & Events.WRITE) != 0) {
                    c.writeReady();
                    full = !c.outStage().isEmpty();
                }
                if ((events & Events.READ) != 0 && c.wantsRead()) {
                    c.readReady();
                    if (!full && !c.connecting && c.wantsWrite()) {
                        c.writeReady();             // what the read callback wrote goes out now, not a poll later
                    }
                }
            } finally {
                c.inReadiness = false;
                if (c.interestStale) {
                    c.interestStale = false;
                    c.updateInterest();
                }
            }
        }
    }

    void readReady() {
        long max = Math.min(smallReads ? Math.min(maxReadBytes, pool.chunkSize()) : maxReadBytes, readAllowance());
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
            int maxBytes = (int) Math.max(1, max);
            n = socketFd >= 0 ? inStage().receiveFrom(socketFd, maxBytes) : transport.readInto(inStage(), maxBytes);
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
            smallReads = n < pool.chunkSize();
            consumedRead(n);
            if (readTimeoutNs > 0 && readTimer.isActive()) {
                readTimer.again();
            }
            arrived();
        }
    }

    long readAllowance() {
        long max = Long.MAX_VALUE;
        if (bucket != null) {
            max = bucket.readTokens;
        }
        if (group != null) {
            max = Math.min(max, group.readAllowance());
        }
        return max;
    }

    long writeAllowance() {
        long max = Long.MAX_VALUE;
        if (bucket != null) {
            max = bucket.writeTokens;
        }
        if (group != null) {
            max = Math.min(max, group.writeAllowance());
        }
        return max;
    }

    void consumedRead(long n) {
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

    void consumedWrite(long n) {
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

    void bucketRefilled() {
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

    void checkHighWatermark() {
        if (readHighBytes > 0 && input.length() >= readHighBytes && (suspendRead & SUSPEND_WATERMARK) == 0) {
            suspendRead |= SUSPEND_WATERMARK;
            updateInterest();
        }
    }

    /// The input listener: bytes consumed may lift the high watermark's hold.
    void inputDrained(long removed) {
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
    void outputAdded(long added) {
        if (added == 0 || closed) {
            return;
        }
        if (outFilter != null) {
            filterOut(ConnectionFilter.Mode.NORMAL);
        }
        kick();
    }

    boolean filterIn(ConnectionFilter.Mode mode) {
        long room = readHighBytes > 0 ? Math.max(0, readHighBytes - input.length()) : Long.MAX_VALUE;
        return runFilter(inFilter, rawIn, input, room, mode, ConnectionEvents.READING);
    }

    void filterOut(ConnectionFilter.Mode mode) {
        runFilter(outFilter, output, rawOut, Long.MAX_VALUE, mode, ConnectionEvents.WRITING);
    }

    boolean runFilter(ConnectionFilter filter, Buffer src, Buffer dst, long room,
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

    void writeReady() {
        if (connecting) {
            finishConnecting();
            return;
        }
        if (socketFd < 0 && transport.hasPendingOutput()) {
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
            n = socketFd >= 0 ? src.sendTo(socketFd, max) : transport.writeFrom(src, max);
        } catch (IOException e) {
            fail(ConnectionEvents.WRITING, e);
            return;
        }
        if (n > 0) {
            consumedWrite(n);
            if (writeTimeoutNs > 0 && writeTimer.isActive()) {
                writeTimer.again();
            }
        }
        updateInterest();
        shutIfFlushed();
        if (n > 0 && unsent() <= writeLowBytes) {
            callWrite();
        }
    }

    void finishConnecting() {
        boolean done;
        try {
            done = transport.finishConnect();
        } catch (IOException e) {
            IOException reported = connector != null ? connector.nextAttempt(e) : e;
            if (reported != null) {
                connectFailed(reported);
            }
            return;
        }
        if (done) {
            connector = null;
            connecting = false;
            if (transport.isHandshaking()) {
                beginHandshake();
            } else {
                updateInterest();
                callEvent(ConnectionEvents.CONNECTED);
                shutIfFlushed();                    // finishOutput() before the connect, with nothing to send
            }
        }
    }

    /// The socket is connected; a TLS handshake starts, bounded by its timeout.
    void beginHandshake() {
        handshaking = true;
        long timeoutNs = transport.handshakeTimeoutNs();
        if (timeoutNs > 0) {
            handshakeTimer = new TimerWatcher(loop, (w, events) -> handshakeTimedOut(timeoutNs));
            handshakeTimer.start(timeoutNs, 0);
        }
        try {
            transport.startHandshake();
        } catch (IOException e) {
            stopHandshake();
            lastError = e;
            readEnabled = false;
            writeEnabled = false;
            updateInterest();
            owe(OWE_EVENT, ConnectionEvents.ERROR);   // from the loop: a factory may be mid-call
            return;
        }
        updateInterest();
    }

    void stopHandshake() {
        handshaking = false;
        if (handshakeTimer != null) {
            handshakeTimer.stop();
        }
    }

    private void handshakeDone() {
        stopHandshake();
        updateInterest();
        callEvent(ConnectionEvents.CONNECTED);
        if (!closed) {
            kick();                                 // output written during the handshake
            shutIfFlushed();
        }
    }

    private void handshakeTimedOut(long timeoutNs) {
        handshaking = false;
        lastError = new SSLHandshakeException("the TLS handshake did not finish within "
                + TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms");
        readEnabled = false;
        writeEnabled = false;
        updateInterest();
        callEvent(ConnectionEvents.ERROR | ConnectionEvents.TIMEOUT);
    }

    /// A pair end: moves what the other end may take into its in-stage.
    void transferToPartner() {
        BufferedConnection dst = partner;
        Buffer src = outStage();
        if (closed || outputShut || !writeEnabled || suspendWrite != 0 || src.isEmpty()
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
        if (writeTimeoutNs > 0 && writeTimer.isActive()) {
            writeTimer.again();
        }
        if (dst.readTimeoutNs > 0 && dst.readTimer.isActive()) {
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

    void shutIfFlushed() {
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

    void endOfStream() {
        eof = true;
        readEnabled = false;
        if (inFilter != null && filterIn(ConnectionFilter.Mode.FINISHED) && input.length() > 0) {
            callRead();
        }
        updateInterest();
        callEvent(ConnectionEvents.READING | ConnectionEvents.EOF);
    }

    void timedOut(int side) {
        if (side == ConnectionEvents.READING) {
            readEnabled = false;
        } else {
            writeEnabled = false;
        }
        updateInterest();
        callEvent(side | ConnectionEvents.TIMEOUT);
    }

    void fail(int side, IOException e) {
        lastError = e;
        readEnabled = false;
        writeEnabled = false;
        updateInterest();
        callEvent(side | ConnectionEvents.ERROR);
    }

    // ---------------------------------------------------------------- callbacks

    void callRead() {
        if (deferCallbacks) {
            owe(OWE_READ, 0);
        } else if (readCallback != null) {
            readCallback.onData(self());
        }
    }

    void callWrite() {
        if (deferCallbacks) {
            owe(OWE_WRITE, 0);
        } else if (writeCallback != null) {
            writeCallback.onData(self());
        }
    }

    void callEvent(int events) {
        if (deferCallbacks) {
            owe(OWE_EVENT, events);
        } else if (eventCallback != null) {
            eventCallback.onEvent(self(), events);
        }
    }

    void owe(int what, int events) {
        owed |= what;
        owedEvents |= events;
        if (!dispatcher.isPending()) {
            dispatcher.feed(Events.CUSTOM);
        }
    }

    void runOwed() {
        int what = owed;
        int events = owedEvents;
        owed = 0;
        owedEvents = 0;
        try {
            if ((what & OWE_READ) != 0 && !closed && readCallback != null) {
                readCallback.onData(self());
            }
        } finally {
            runOwedRest(what, events);
        }
    }

    /// The rest of [#runOwed()], run even if the read callback threw.
    void runOwedRest(int what, int events) {
        try {
            if ((what & OWE_WRITE) != 0 && !closed && writeCallback != null) {
                writeCallback.onData(self());
            }
        } finally {
            try {
                if ((what & OWE_EVENT) != 0 && !closed && eventCallback != null) {
                    eventCallback.onEvent(self(), events);
                }
            } finally {
                if ((what & OWE_EOF) != 0 && !closed && !eof) {
                    endOfStream();                  // runs its callbacks as configured
                }
            }
        }
    }
}
