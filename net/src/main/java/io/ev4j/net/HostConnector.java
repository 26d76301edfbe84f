package io.ev4j.net;

import io.ev4j.core.socket.StreamSocket;
import io.ev4j.core.socket.TcpSocket;
import io.ev4j.net.tls.TlsConfig;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

/// A connect by host name: the lookup, then a connect to each address in the resolver's order
/// until one succeeds. Each attempt has its own socket (and its own TLS engine, named after
/// the host); the connection sees one transport after another through
/// [ConnectionEngine#attach]. The engine asks [#nextAttempt] when an attempt fails. Loop
/// thread only.
final class HostConnector {
    private final BufferedConnection connection;
    private final String host;
    private final int port;
    private final TlsConfig tls;
    private HostResolver.Lookup lookup;
    private boolean starting;
    private boolean answered;
    private List<InetAddress> addresses = List.of();
    private int next;
    /// The first failure; later ones are added to it as suppressed.
    private IOException failure;

    HostConnector(BufferedConnection connection, String host, int port, TlsConfig tls) {
        this.connection = connection;
        this.host = host;
        this.port = port;
        this.tls = tls;
    }

    /// Asks `resolver`; its answer arrives later on the loop thread. An answer given from
    /// inside `resolve` (which the contract forbids) is still held back until the loop runs,
    /// so no event reaches a caller that has not set its callbacks yet.
    void start(HostResolver resolver) {
        starting = true;
        try {
            HostResolver.Lookup started = resolver.resolve(connection.loop(), host, this::resolved);
            if (!answered) {
                lookup = started;
            }
        } finally {
            starting = false;
        }
    }

    private void resolved(List<InetAddress> found, IOException error) {
        if (answered) {
            return;                                 // a second answer breaks the contract: ignored
        }
        answered = true;
        lookup = null;
        if (starting) {
            connection.loop().execute(() -> attempt(found, error));
        } else {
            attempt(found, error);
        }
    }

    private void attempt(List<InetAddress> found, IOException error) {
        if (connection.isClosed()) {
            return;
        }
        if (error == null && found.isEmpty()) {
            error = new UnknownHostException(host + ": the resolver found no address");
        }
        if (error != null) {
            connection.connectFailed(error);
            return;
        }
        addresses = found;
        IOException last = nextAttempt(null);
        if (last != null) {
            connection.connectFailed(last);
        }
    }

    /// The current attempt failed with `e` (null before the first): starts the next. Returns
    /// null while an attempt is under way, else the error to report (the first failure, with
    /// the others suppressed in it).
    IOException nextAttempt(IOException e) {
        note(e);
        while (next < addresses.size()) {
            InetSocketAddress remote = new InetSocketAddress(named(addresses.get(next++)), port);
            StreamSocket socket;
            try {
                socket = TcpSocket.connect(connection.loop(), remote);
            } catch (IOException refused) {
                note(refused);
                continue;
            }
            try {
                connection.attach(ConnectionFactory.transportFor(socket, connection.pool(), tls, remote));
            } catch (IOException tlsRefused) {
                socket.close();
                note(tlsRefused);
                continue;
            }
            return null;
        }
        return failure;
    }

    private void note(IOException e) {
        if (e == null) {
            return;
        }
        if (failure == null) {
            failure = e;
        } else {
            failure.addSuppressed(e);
        }
    }

    /// `address` carrying the host name, so that TLS names the server after it (SNI and the
    /// host name check) and errors show both.
    private InetAddress named(InetAddress address) {
        try {
            return InetAddress.getByAddress(host, address.getAddress());
        } catch (UnknownHostException impossible) {
            return address;                         // only for an address of illegal length
        }
    }

    /// The connection closed: the answer, if it still comes, is dropped.
    void cancel() {
        if (lookup != null) {
            lookup.cancel();
            lookup = null;
        }
    }

    @Override
    public String toString() {
        return (lookup != null ? "resolving " : "connecting to ") + host + ":" + port;
    }
}
