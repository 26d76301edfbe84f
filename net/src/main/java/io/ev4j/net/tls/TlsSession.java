package io.ev4j.net.tls;

import io.ev4j.net.buffer.Buffer;

import java.nio.ByteBuffer;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/// Drives one [SSLEngine] between four [Buffer]s: ciphertext in and out, plaintext in and out.
/// It owns no socket and no loop, so a connection (or a test) moves bytes and calls [#pump].
///
/// ```java
/// TlsSession tls = new TlsSession(TlsConfig.client(context).serverName("example.org").newEngine());
/// tls.pump(netIn, appIn, appOut, netOut);   // after every read of ciphertext or write of plaintext
/// socket.write(netOut) ...                  // then send what it produced
/// ```
///
/// ## Guarantees and caveats
/// - [#pump] does all the work that can be done now: handshake steps (delegated tasks run
///   inline, on the calling thread), unwrapping every whole record of `netIn`, and wrapping
///   all of `appOut` once the handshake allows. A partial record stays in `netIn` until the
///   rest arrives, however large the record: nothing here limits how much ciphertext is
///   taken, so no watermark on the plaintext side can stall it.
/// - Plaintext written before the handshake completes waits in `appOut` and goes out as soon
///   as it completes.
/// - Two scratch buffers sized by the engine's session (about 17 KiB each) are allocated
///   once; pumping copies each record once in and once out and allocates nothing else.
/// - A failure (bad certificate, protocol error) throws [SSLException] after the alert the
///   engine wants to send has been wrapped into `netOut`: write it, then close.
/// - One thread at a time, like the buffers.
public final class TlsSession {
    private final SSLEngine engine;
    private ByteBuffer cipher;
    private ByteBuffer plain;
    private boolean handshakeComplete;
    private boolean handshakeJustCompleted;

    /// A session around `engine`, whose client or server mode and parameters are already set
    /// (see [TlsConfig#newEngine]). Begins the handshake.
    ///
    /// @throws SSLException the engine refused to begin
    public TlsSession(SSLEngine engine) throws SSLException {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.cipher = ByteBuffer.allocateDirect(engine.getSession().getPacketBufferSize());
        this.plain = ByteBuffer.allocateDirect(engine.getSession().getApplicationBufferSize());
        engine.beginHandshake();
    }

    /// The engine, for its session, peer certificates and negotiated parameters.
    public SSLEngine engine() {
        return engine;
    }

    /// True once the first handshake has completed.
    public boolean isHandshakeComplete() {
        return handshakeComplete;
    }

    /// True once after the pump in which the first handshake completed, then false: for a
    /// connection's "connected" event.
    public boolean takeHandshakeCompleted() {
        boolean was = handshakeJustCompleted;
        handshakeJustCompleted = false;
        return was;
    }

    /// The protocol that ALPN selected, or null if none was (or the handshake is not done).
    public String applicationProtocol() {
        String p = engine.getApplicationProtocol();
        return p == null || p.isEmpty() ? null : p;
    }

    /// True once the peer's `close_notify` has arrived: no more plaintext will come.
    public boolean isInboundDone() {
        return engine.isInboundDone();
    }

    /// True once our `close_notify` has been wrapped into the output (or the engine closed).
    public boolean isOutboundDone() {
        return engine.isOutboundDone();
    }

    /// Starts a clean shutdown: the next [#pump] wraps `close_notify` after any plaintext
    /// already handed to it. Plaintext appended to `appOut` later is not sent.
    public void closeOutbound() {
        engine.closeOutbound();
    }

    /// Tells the engine the ciphertext stream ended. Returns true if the shutdown was clean
    /// (the peer's `close_notify` came first), false if it was cut short (a truncation, which
    /// a protocol without its own length framing must treat as an error).
    public boolean endOfInput() {
        boolean clean = engine.isInboundDone();
        try {
            engine.closeInbound();
        } catch (SSLException truncated) {
            return false;
        }
        return clean;
    }

    /// Does all the handshake, unwrapping and wrapping possible now. Consumes whole records
    /// from `netIn` (plaintext to the end of `appIn`) and plaintext from `appOut` (records to
    /// the end of `netOut`). Returns true if it moved any byte or made handshake progress.
    ///
    /// @throws SSLException the handshake or a record failed; `netOut` holds the alert to send
    public boolean pump(Buffer netIn, Buffer appIn, Buffer appOut, Buffer netOut) throws SSLException {
        try {
            boolean progressed = false;
            while (step(netIn, appIn, appOut, netOut)) {
                progressed = true;
            }
            return progressed;
        } catch (SSLException e) {
            wrapAlert(netOut);
            throw e;
        }
    }

    private boolean step(Buffer netIn, Buffer appIn, Buffer appOut, Buffer netOut) throws SSLException {
        switch (engine.getHandshakeStatus()) {
            case NEED_TASK -> {
                for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
                    task.run();
                }
                return true;
            }
            case NEED_WRAP -> {
                return wrap(appOut, netOut, true);
            }
            case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                return unwrap(netIn, appIn);
            }
            default -> {
                boolean in = unwrap(netIn, appIn);
                boolean out = wrap(appOut, netOut, false);
                return in || out;
            }
        }
    }

    private boolean unwrap(Buffer netIn, Buffer appIn) throws SSLException {
        if (netIn.isEmpty() || engine.isInboundDone()) {
            return false;
        }
        cipher.clear();
        netIn.peek(0, cipher);
        cipher.flip();
        for (;;) {
            plain.clear();
            SSLEngineResult r = engine.unwrap(cipher, plain);
            switch (r.getStatus()) {
                case BUFFER_OVERFLOW -> {
                    plain = ByteBuffer.allocateDirect(Math.max(plain.capacity() * 2,
                            engine.getSession().getApplicationBufferSize()));
                    continue;
                }
                case BUFFER_UNDERFLOW -> {
                    int need = engine.getSession().getPacketBufferSize();
                    if (cipher.capacity() < need && netIn.length() > cipher.capacity()) {
                        cipher = ByteBuffer.allocateDirect(need);
                        return true;
                    }
                    return false;
                }
                default -> {
                }
            }
            netIn.drain(r.bytesConsumed());
            plain.flip();
            if (plain.hasRemaining()) {
                appIn.append(plain);
            }
            noteHandshake(r);
            return r.bytesConsumed() > 0 || r.bytesProduced() > 0
                    || r.getHandshakeStatus() == HandshakeStatus.FINISHED;
        }
    }

    private boolean wrap(Buffer appOut, Buffer netOut, boolean handshaking) throws SSLException {
        if (engine.isOutboundDone() || (!handshaking && appOut.isEmpty())) {
            return false;
        }
        plain.clear();
        appOut.peek(0, plain);
        plain.flip();
        for (;;) {
            cipher.clear();
            SSLEngineResult r = engine.wrap(plain, cipher);
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                cipher = ByteBuffer.allocateDirect(Math.max(cipher.capacity() * 2,
                        engine.getSession().getPacketBufferSize()));
                continue;
            }
            appOut.drain(r.bytesConsumed());
            cipher.flip();
            if (cipher.hasRemaining()) {
                netOut.append(cipher);
            }
            noteHandshake(r);
            return r.bytesConsumed() > 0 || r.bytesProduced() > 0
                    || r.getHandshakeStatus() == HandshakeStatus.FINISHED;
        }
    }

    private void noteHandshake(SSLEngineResult r) {
        if (!handshakeComplete && r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
            handshakeComplete = true;
            handshakeJustCompleted = true;
        }
    }

    /// After a failure the engine may hold an alert for the peer: wrap what it gives.
    private void wrapAlert(Buffer netOut) {
        try {
            engine.closeOutbound();
            for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
                cipher.clear();
                plain.clear().flip();
                SSLEngineResult r = engine.wrap(plain, cipher);
                cipher.flip();
                if (cipher.hasRemaining()) {
                    netOut.append(cipher);
                }
                if (r.bytesProduced() == 0) {
                    break;
                }
            }
        } catch (SSLException | RuntimeException ignored) {
            // The engine has nothing more it can send; the caller closes.
        }
    }
}
