package io.ev4j.examples.echo;

import io.ev4j.core.Loop;
import io.ev4j.examples.Example;
import io.ev4j.net.tls.SelfSignedCertificate;
import io.ev4j.net.tls.TlsConfig;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/// `tls-echo-server [port] [keystore.p12 password]`: the buffered echo server over TLS.
///
/// ```sh
/// java -jar ev4j-examples.jar tls-echo-server 34568
/// openssl s_client -connect 127.0.0.1:34568 -CAfile <the cert.pem it prints>
/// ```
///
/// Without a key store it makes a self-signed certificate for `localhost` at start (in a
/// temporary directory, deleted at exit) and prints where its PEM copy is, for clients to
/// trust. ALPN offers `echo`; a client that asks for nothing still connects.
public final class TlsEchoServer {
    private TlsEchoServer() {
    }

    public static int run(Example example) throws Exception {
        Loop loop = example.newLoop();
        int port = example.port(0, 34568);
        SelfSignedCertificate cert;
        String keyStore = example.arg(1, null);
        if (keyStore != null) {
            String password = example.arg(2, null);
            if (password == null) {
                System.err.println("tls-echo-server: a key store needs its password: [port] [keystore.p12 password]");
                return 2;
            }
            cert = new SelfSignedCertificate(Path.of(keyStore), password, firstAlias(Path.of(keyStore), password));
        } else {
            Path made = Files.createTempDirectory("ev4j-tls-echo");
            made.toFile().deleteOnExit();           // removed after its files, even on SIGTERM
            cert = SelfSignedCertificate.create(made, "localhost");
            Path[] pem = cert.writePem(made);
            for (Path f : new Path[] {cert.keyStore(), pem[0], pem[1]}) {
                f.toFile().deleteOnExit();
            }
            System.out.println("tls-echo-server: self-signed certificate for localhost in " + pem[0]);
        }
        TlsConfig tls = TlsConfig.server(cert.serverContext()).applicationProtocols("echo");
        BufferedEchoServer server = BufferedEchoServer.startTls(loop, new InetSocketAddress(port), tls);
        return BufferedEchoServer.serveUntilStopped(loop, server);
    }

    private static String firstAlias(Path keyStore, String password) throws IOException {
        try {
            var aliases = new SelfSignedCertificate(keyStore, password, null).load().aliases();
            if (!aliases.hasMoreElements()) {
                throw new IOException("key store " + keyStore + " holds no key");
            }
            return aliases.nextElement();
        } catch (java.security.KeyStoreException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
