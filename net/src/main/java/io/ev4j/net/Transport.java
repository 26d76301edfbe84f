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

    /// Sends end-of-stream; reading stays possible.
    void shutdownOutput() throws IOException;

    /// Closes the socket. Idempotent; never throws.
    void close();
}
