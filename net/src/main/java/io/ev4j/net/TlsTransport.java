package io.ev4j.net;

import io.ev4j.core.IoSource;
import io.ev4j.net.buffer.Buffer;
import io.ev4j.net.buffer.SegmentPool;
import io.ev4j.net.tls.TlsConfig;
import io.ev4j.net.tls.TlsSession;

import java.io.IOException;
import javax.net.ssl.SSLException;

/// A [Transport] that speaks TLS over another one: ciphertext moves between the socket and two
/// private buffers, plaintext between the [TlsSession] and the connection's buffers.
///
/// Every whole record that has arrived is decrypted at once into the connection's input, so only
/// a partial record ever waits here, and the rest of it is on its way: a record larger than the
/// read high watermark overshoots the watermark (by at most one read) instead of stalling.
final class TlsTransport implements Transport {
    /// Ciphertext asked for per readiness, at least: one whole maximal record (a channel read
    /// on the portable backend takes at most a chunk; the rest comes at the next readiness).
    private static final int MIN_READ_BYTES = 17 * 1024;

    private final Transport raw;
    private final TlsConfig config;
    private final TlsSession tls;
    private final Buffer netIn;
    private final Buffer netOut;
    private final Buffer appIn;
    private final Buffer appOut;
    /// Our close_notify is queued: shut the socket's output once it is written.
    private boolean shutAfterFlush;
    private boolean released;

    TlsTransport(Transport raw, SegmentPool pool, TlsConfig config, String peerHost, int peerPort) throws SSLException {
        this.raw = raw;
        this.config = config;
        this.tls = new TlsSession(config.newEngine(peerHost, peerPort));
        this.netIn = new Buffer(pool);
        this.netOut = new Buffer(pool);
        this.appIn = new Buffer(pool);
        this.appOut = new Buffer(pool);
    }

    TlsSession session() {
        return tls;
    }

    /// The transport underneath.
    Transport raw() {
        return raw;
    }

    @Override
    public IoSource source() {
        return raw.source();
    }

    @Override
    public boolean finishConnect() throws IOException {
        return raw.finishConnect();
    }

    @Override
    public boolean isHandshaking() {
        return !tls.isHandshakeComplete();
    }

    @Override
    public void startHandshake() throws IOException {
        pump();
        flushPending();
    }

    @Override
    public long handshakeTimeoutNs() {
        return config.handshakeTimeout().toNanos();
    }

    @Override
    public long readInto(Buffer dst, int maxBytes) throws IOException {
        long n = raw.readInto(netIn, Math.max(maxBytes, MIN_READ_BYTES));
        pump();
        flushPending();
        long got = appIn.remove(dst, Long.MAX_VALUE);
        if (tls.isInboundDone()) {
            return -1;                              // close_notify: plaintext before it is in dst
        }
        if (n < 0) {
            if (!tls.endOfInput() && !config.allowDirtyShutdown()) {
                throw new SSLException("the peer ended the stream without a TLS close_notify (truncated)");
            }
            return -1;
        }
        return got;
    }

    @Override
    public long writeFrom(Buffer src, long maxBytes) throws IOException {
        long moved = src.remove(appOut, maxBytes);
        pump();
        flushPending();
        return moved;
    }

    private void pump() throws IOException {
        try {
            tls.pump(netIn, appIn, appOut, netOut);
        } catch (SSLException e) {
            try {
                flushPending();                     // the alert, if the socket takes it now
            } catch (IOException ignored) {
                // the failure to report is the TLS one
            }
            throw e;
        }
    }

    @Override
    public boolean hasPendingOutput() {
        return !netOut.isEmpty();
    }

    @Override
    public void flushPending() throws IOException {
        while (!netOut.isEmpty()) {
            if (raw.writeFrom(netOut, Long.MAX_VALUE) == 0) {
                return;
            }
        }
        if (shutAfterFlush) {
            shutAfterFlush = false;
            raw.shutdownOutput();
        }
    }

    /// Queues close_notify after what was written, and shuts the socket's output once it is out.
    @Override
    public void shutdownOutput() throws IOException {
        tls.closeOutbound();
        pump();
        shutAfterFlush = true;
        flushPending();
    }

    /// A close_notify the socket takes at once, best effort: a close is clean when it can be.
    @Override
    public void release() {
        if (released) {
            return;
        }
        released = true;
        try {
            if (tls.isHandshakeComplete() && !tls.isOutboundDone()) {
                tls.closeOutbound();
                pump();
                flushPending();
            }
        } catch (IOException | RuntimeException ignored) {
            // closing anyway
        }
        netIn.close();
        netOut.close();
        appIn.close();
        appOut.close();
    }

    @Override
    public void close() {
        release();
        raw.close();
    }

    @Override
    public String toString() {
        return "tls over " + raw;
    }
}
