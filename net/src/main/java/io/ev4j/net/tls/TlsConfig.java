package io.ev4j.net.tls;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/// How TLS connections of one side are set up: the [SSLContext], client or server mode, SNI,
/// ALPN, peer verification and the handshake timeout. Immutable; each `with`/setter method
/// returns a new config.
///
/// ```java
/// TlsConfig client = TlsConfig.client(SSLContext.getDefault())
///         .serverName("example.org")                 // SNI, and the name the certificate must match
///         .applicationProtocols("h2", "http/1.1")   // ALPN, in order of preference
///         .handshakeTimeout(Duration.ofSeconds(5));
/// TlsConfig server = TlsConfig.server(serverContext).applicationProtocols("http/1.1");
/// ```
///
/// A client with a server name checks the peer's certificate against it (endpoint
/// identification `HTTPS`), unless [#verifyHostName] turns that off. A server learns the name
/// the client asked for from [TlsSession#engine()]'s session
/// (`ExtendedSSLSession.getRequestedServerNames`).
public record TlsConfig(SSLContext context, boolean clientMode, String serverName,
                        List<String> applicationProtocols, boolean verifyHostName,
                        ClientAuth clientAuth, Duration handshakeTimeout, boolean allowDirtyShutdown) {

    /// Whether a server asks for a client certificate.
    public enum ClientAuth { NONE, WANT, NEED }

    /// The default handshake timeout: 10 seconds.
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    public TlsConfig {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(clientAuth, "clientAuth");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        applicationProtocols = List.copyOf(applicationProtocols);
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("handshake timeout must be positive, got " + handshakeTimeout);
        }
        for (String p : applicationProtocols) {
            if (p.isEmpty() || p.length() > 255) {
                throw new IllegalArgumentException("an ALPN protocol name is 1..255 bytes, got \"" + p + "\"");
            }
        }
    }

    /// A client config on `context`, verifying the host name when one is given.
    public static TlsConfig client(SSLContext context) {
        return new TlsConfig(context, true, null, List.of(), true, ClientAuth.NONE, DEFAULT_HANDSHAKE_TIMEOUT, false);
    }

    /// A server config on `context` (which must hold a key).
    public static TlsConfig server(SSLContext context) {
        return new TlsConfig(context, false, null, List.of(), false, ClientAuth.NONE, DEFAULT_HANDSHAKE_TIMEOUT, false);
    }

    /// The host name a client sends as SNI and verifies the certificate against.
    public TlsConfig serverName(String hostName) {
        if (!clientMode) {
            throw new IllegalStateException("a server does not send a server name; read the client's from the session");
        }
        new SNIHostName(hostName); // throws IllegalArgumentException naming a bad name
        return new TlsConfig(context, true, hostName, applicationProtocols, verifyHostName, clientAuth, handshakeTimeout, allowDirtyShutdown);
    }

    /// ALPN protocols in order of preference.
    public TlsConfig applicationProtocols(String... protocols) {
        return new TlsConfig(context, clientMode, serverName, List.of(protocols), verifyHostName, clientAuth, handshakeTimeout, allowDirtyShutdown);
    }

    /// Whether a client checks the certificate's names against [#serverName] (default true).
    public TlsConfig verifyHostName(boolean verify) {
        return new TlsConfig(context, clientMode, serverName, applicationProtocols, verify, clientAuth, handshakeTimeout, allowDirtyShutdown);
    }

    /// Whether a server asks for client certificates (default [ClientAuth#NONE]).
    public TlsConfig clientAuth(ClientAuth auth) {
        if (clientMode) {
            throw new IllegalStateException("client authentication is a server setting");
        }
        return new TlsConfig(context, false, serverName, applicationProtocols, verifyHostName, auth, handshakeTimeout, allowDirtyShutdown);
    }

    /// How long the handshake may take before the connection fails with a timeout.
    public TlsConfig handshakeTimeout(Duration timeout) {
        return new TlsConfig(context, clientMode, serverName, applicationProtocols, verifyHostName, clientAuth, timeout, allowDirtyShutdown);
    }

    /// Whether a stream that ends without the peer's `close_notify` counts as a plain end of
    /// stream (`true`) or as an error (default `false`): a cut-short stream may be an attack
    /// unless the protocol frames its own lengths, as HTTP with `Content-Length` does.
    public TlsConfig allowDirtyShutdown(boolean allow) {
        return new TlsConfig(context, clientMode, serverName, applicationProtocols, verifyHostName, clientAuth,
                handshakeTimeout, allow);
    }

    /// A new engine set up by this config, for a session with a peer at `peerHost:peerPort`
    /// (a hint for session resumption; may be null and -1).
    public SSLEngine newEngine(String peerHost, int peerPort) {
        String host = serverName != null ? serverName : peerHost;
        SSLEngine engine = host == null ? context.createSSLEngine() : context.createSSLEngine(host, peerPort);
        engine.setUseClientMode(clientMode);
        SSLParameters params = engine.getSSLParameters();
        if (clientMode && serverName != null) {
            params.setServerNames(List.of(new SNIHostName(serverName)));
            if (verifyHostName) {
                params.setEndpointIdentificationAlgorithm("HTTPS");
            }
        }
        if (!applicationProtocols.isEmpty()) {
            params.setApplicationProtocols(applicationProtocols.toArray(String[]::new));
        }
        if (!clientMode) {
            params.setNeedClientAuth(clientAuth == ClientAuth.NEED);
            if (clientAuth == ClientAuth.WANT) {
                params.setWantClientAuth(true);
            }
        }
        engine.setSSLParameters(params);
        return engine;
    }

    /// [#newEngine(String, int)] with no peer hint.
    public SSLEngine newEngine() {
        return newEngine(null, -1);
    }
}
