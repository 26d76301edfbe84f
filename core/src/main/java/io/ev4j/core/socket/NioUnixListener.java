package io.ev4j.core.socket;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/// A [UnixListener] over a non-blocking `UNIX` [ServerSocketChannel], for loops on the `nio`
/// backend (see [NioListening]). Paths only (the JDK has no abstract names); closing it
/// removes the socket file it created.
final class NioUnixListener extends NioListening implements UnixListener {
    private final UnixAddress local;

    private NioUnixListener(ServerSocketChannel channel, SocketOptions passedOn, UnixAddress local) {
        super(channel, passedOn, true);
        this.local = local;
    }

    static UnixListener listen(UnixAddress address, int backlog, SocketOptions options) throws IOException {
        var jdk = NioUnixSocket.jdkAddress(address);
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        SocketOptions passedOn = bind(channel, jdk, backlog, options, true, address.toString());
        return new NioUnixListener(channel, passedOn, address);
    }

    @Override
    public UnixSocket accept() throws IOException {
        SocketChannel accepted = acceptChannel();
        return accepted == null ? null : new NioUnixSocket(accepted, null);
    }

    @Override
    public UnixAddress localAddress() {
        return local;
    }

    @Override
    public void close() {
        if (channel.isOpen()) {
            super.close();
            local.removeSocketFile();
        }
    }

    @Override
    String target() {
        return local.toString();
    }

    @Override
    public String toString() {
        return "NioUnixListener[" + channel + "]";
    }
}
