package io.ev4j.net;

import io.ev4j.core.IoSource;
import io.ev4j.core.socket.StreamSocket;
import io.ev4j.core.socket.UnixSocket;
import io.ev4j.net.buffer.Buffer;

import java.io.IOException;
import java.nio.channels.ByteChannel;

/// A [Transport] over any [StreamSocket] (TCP or Unix-domain): `recv`/`send` (or
/// `readv`/`writev` over several segments) on its fd on native backends, channel calls on the
/// portable one. A channel read fills at most one chunk:
/// the JDK's scattering read allocates per buffer for views of pooled memory, a single-buffer
/// read does not.
final class SocketTransport implements Transport {
    private final StreamSocket socket;
    private final IoSource source;
    /// The fd on native backends, else -1.
    private final int fd;
    /// The channel on the portable backend, else null.
    private final ByteChannel channel;

    SocketTransport(StreamSocket socket) {
        this.socket = socket;
        this.source = socket.source();
        if (source instanceof IoSource.Fd f) {
            this.fd = f.fd();
            this.channel = null;
        } else if (((IoSource.Channel) source).channel() instanceof ByteChannel c) {
            this.fd = -1;
            this.channel = c;
        } else {
            throw new IllegalArgumentException("socket source is not a byte channel: " + source);
        }
    }

    @Override
    public IoSource source() {
        return source;
    }

    @Override
    public int plainFd() {
        return fd;
    }

    @Override
    public boolean finishConnect() throws IOException {
        return socket.finishConnect();
    }

    @Override
    public long readInto(Buffer dst, int maxBytes) throws IOException {
        return fd >= 0 ? dst.receiveFrom(fd, maxBytes) : dst.readFrom(channel, Math.min(maxBytes, dst.pool().chunkSize()));
    }

    @Override
    public long writeFrom(Buffer src, long maxBytes) throws IOException {
        return fd >= 0 ? src.sendTo(fd, maxBytes) : src.writeTo(channel, maxBytes);
    }

    @Override
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    @Override
    public void close() {
        socket.close();
    }

    @Override
    public String toString() {
        return (socket instanceof UnixSocket ? "unix " : "tcp ") + source;
    }
}
