package io.ev4j.net;

import io.ev4j.core.Loop;
import io.ev4j.core.socket.StreamSocket;
import io.ev4j.net.buffer.SegmentPool;
import io.ev4j.net.tls.TlsConfig;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Objects;
import javax.net.ssl.SSLException;

/// Builds [BufferedConnection]s for its public factories: over a connected socket or a
/// connect in progress, plain or TLS, and the connection that failed before it had a socket.
final class ConnectionFactory {
    private ConnectionFactory() {
    }

    /// Starts a connect: the socket kind's own `connect` call.
    @FunctionalInterface
    interface Dialer {
        StreamSocket dial() throws IOException;
    }

    /// A connection over a connected `socket`, TLS when `tls` is not null.
    static BufferedConnection wrap(Loop loop, SegmentPool pool, StreamSocket socket, TlsConfig tls,
                                   ConnectionOption... options) {
        Objects.requireNonNull(socket, "socket");
        if (tls == null) {
            return new BufferedConnection(loop, pool, new SocketTransport(socket), false, options);
        }
        SocketAddress peer = null;
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

    /// A connection owning the socket `dialer` starts connecting, TLS (with `remote` as the
    /// peer hint) when `tls` is not null; a failure to start reports `ERROR` from the loop.
    static BufferedConnection connect(Loop loop, SegmentPool pool, Dialer dialer, SocketAddress remote,
                                      TlsConfig tls, ConnectionOption... options) {
        StreamSocket socket;
        try {
            socket = dialer.dial();
        } catch (IOException e) {
            return failedAtOnce(loop, pool, e, options);
        }
        Transport transport;
        try {
            transport = transportFor(socket, pool, tls, remote);
        } catch (SSLException e) {
            socket.close();
            return failedAtOnce(loop, pool, e, options);
        }
        BufferedConnection c = new BufferedConnection(loop, pool, transport, true, options);
        c.connecting = true;
        c.updateInterest();
        return c;
    }

    /// A connection that looks `host` up with `resolver` and connects to each address in turn
    /// (see [HostConnector]); reading waits, and output is kept, until one connects.
    static BufferedConnection connectByName(Loop loop, SegmentPool pool, HostResolver resolver, String host,
                                            int port, TlsConfig tls, ConnectionOption... options) {
        BufferedConnection c = new BufferedConnection(loop, pool, null, true, options);
        c.connecting = true;
        c.connector = new HostConnector(c, host, port, namedAfter(tls, host));
        c.updateInterest();                         // the write timeout bounds the lookup too
        c.connector.start(resolver);
        return c;
    }

    /// `tls` with `host` as the server name (SNI, and the name the certificate must match)
    /// unless it names one already; `host` as it is when SNI cannot carry it.
    private static TlsConfig namedAfter(TlsConfig tls, String host) {
        if (tls == null || !tls.clientMode() || tls.serverName() != null) {
            return tls;
        }
        try {
            return tls.serverName(host);
        } catch (IllegalArgumentException notAnSniName) {
            return tls;
        }
    }

    /// The transport over a socket connecting to `remote`: plain, or TLS when `tls` is not null.
    static Transport transportFor(StreamSocket socket, SegmentPool pool, TlsConfig tls, SocketAddress remote)
            throws SSLException {
        Transport plain = new SocketTransport(socket);
        return tls == null ? plain : tlsOver(plain, pool, tls, remote);
    }

    /// A TLS transport over `raw`; a TCP peer's host and port hint session resumption (and
    /// name the server unless [TlsConfig#serverName()] does).
    private static Transport tlsOver(Transport raw, SegmentPool pool, TlsConfig tls, SocketAddress peer)
            throws SSLException {
        if (peer instanceof InetSocketAddress inet) {
            return new TlsTransport(raw, pool, tls, inet.getHostString(), inet.getPort());
        }
        return new TlsTransport(raw, pool, tls, null, -1);
    }

    /// A connection that failed before it had a socket: it reports `ERROR` from the loop.
    private static BufferedConnection failedAtOnce(Loop loop, SegmentPool pool, IOException e,
                                                   ConnectionOption... options) {
        BufferedConnection failed = new BufferedConnection(loop, pool, null, true, options);
        failed.writeEnabled = false;
        failed.lastError = e;
        failed.owe(ConnectionEngine.OWE_EVENT, ConnectionEvents.ERROR);
        return failed;
    }
}
