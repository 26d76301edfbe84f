package io.ev4j.net;

import io.ev4j.core.IoSource;
import io.ev4j.net.buffer.Buffer;

import java.io.IOException;

/// What a [BufferedConnection] needs of a stream socket; new socket kinds plug in here.
/// Loop thread only.
interface Transport {

    /// What the connection's io watcher watches.
    IoSource source();

    /// Completes a connect after write readiness: true when connected, false while in progress.
    ///
    /// @throws IOException the connect failed
    boolean finishConnect() throws IOException;

    /// Reads up to `maxBytes` into the end of `dst`: bytes read, 0 if none now, -1 at end of
    /// stream.
    long readInto(Buffer dst, int maxBytes) throws IOException;

    /// Writes up to `maxBytes` first bytes of `src` and drains them: bytes written, 0 if the
    /// socket is full.
    long writeFrom(Buffer src, long maxBytes) throws IOException;

    /// The socket fd that [#readInto] and [#writeFrom] are a plain `Buffer.receiveFrom` and
    /// `Buffer.sendTo` on, so that the connection may make those calls itself; -1 when they are
    /// more (TLS, a channel).
    default int plainFd() {
        return -1;
    }

    /// Sends end-of-stream; reading stays possible.
    void shutdownOutput() throws IOException;

    /// Closes the socket. Idempotent; never throws.
    void close();

    // ---- for transports with a handshake and bytes of their own (TLS); plain sockets have none

    /// True while a handshake must finish before the connection counts as connected.
    default boolean isHandshaking() {
        return false;
    }

    /// Sends the handshake's first flight, once the socket is connected.
    default void startHandshake() throws IOException {
    }

    /// How long the handshake may take; 0 for no limit.
    default long handshakeTimeoutNs() {
        return 0;
    }

    /// True while the transport holds bytes of its own that it must still write.
    default boolean hasPendingOutput() {
        return false;
    }

    /// Writes bytes the transport holds, as far as the socket takes them now.
    default void flushPending() throws IOException {
    }

    /// Releases what the transport holds besides the socket; called by every connection close,
    /// before [#close()] when the connection owns the socket. Idempotent; never throws.
    default void release() {
    }
}
