package io.ev4j.core.socket;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;

/// A [UnixSocket] over a non-blocking `UNIX` [SocketChannel], for loops on the `nio` backend
/// (see [NioStream]). The JDK has no abstract names: connecting to one throws
/// [UnsupportedOperationException].
final class NioUnixSocket extends NioStream implements UnixSocket {
    private final UnixAddress remote;

    NioUnixSocket(SocketChannel channel, UnixAddress remote) throws IOException {
        super(channel);
        this.remote = remote;
    }

    static UnixSocket connect(UnixAddress remote, SocketOptions options) throws IOException {
        UnixDomainSocketAddress jdk = jdkAddress(remote);
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        return new NioUnixSocket(connect(channel, jdk, options, true, remote.toString()), remote);
    }

    /// The JDK's address for a path.
    ///
    /// @throws UnsupportedOperationException an abstract name
    static UnixDomainSocketAddress jdkAddress(UnixAddress address) {
        if (address.isAbstract()) {
            throw new UnsupportedOperationException("abstract unix socket names (" + address
                    + ") are not supported on the nio backend: the JDK binds paths only; use a native backend");
        }
        return UnixDomainSocketAddress.of(address.path());
    }

    static UnixAddress fromJdk(SocketAddress address) {
        if (address instanceof UnixDomainSocketAddress u && !u.getPath().toString().isEmpty()) {
            return UnixAddress.of(u.getPath());
        }
        return UnixAddress.UNNAMED;
    }

    @Override
    public UnixAddress remoteAddress() throws IOException {
        return remote != null ? remote : fromJdk(channel.getRemoteAddress());
    }

    @Override
    public UnixAddress localAddress() throws IOException {
        return fromJdk(channel.getLocalAddress());
    }

    @Override
    String target() {
        return remote != null ? remote.toString() : channel.toString();
    }

    @Override
    boolean unix() {
        return true;
    }

    @Override
    public String toString() {
        return "NioUnixSocket[" + channel + "]";
    }
}
