package io.ev4j.net.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/// A throw-away self-signed certificate and key in a PKCS#12 key store, for tests, examples
/// and development servers, made by the JDK's own `keytool` (so no extra library is needed).
///
/// ```java
/// SelfSignedCertificate cert = SelfSignedCertificate.create(tempDir, "localhost");
/// TlsConfig server = TlsConfig.server(cert.serverContext());
/// TlsConfig client = TlsConfig.client(cert.trustingClientContext()).serverName("localhost");
/// ```
///
/// The certificate is an EC P-256 one valid for two days, for the DNS name given and for
/// `127.0.0.1` and `::1`. Never use it for anything real: the key store's password travels
/// with this object.
public record SelfSignedCertificate(Path keyStore, String password, String alias) {

    /// Makes a new key store `<hostName>.p12` in `dir` for `hostName`.
    ///
    /// @throws IOException `keytool` could not be run or failed (its output is in the message)
    public static SelfSignedCertificate create(Path dir, String hostName) throws IOException {
        if (!hostName.matches("[A-Za-z0-9.-]+")) {
            throw new IllegalArgumentException("not a plain DNS host name: \"" + hostName + "\"");
        }
        Path store = dir.resolve(hostName + ".p12");
        Files.deleteIfExists(store);
        String password = "ev4j-" + Long.toHexString(System.nanoTime());
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = List.of(keytool.toString(), "-genkeypair", "-alias", "ev4j", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=" + hostName,
                "-ext", "san=dns:" + hostName + ",ip:127.0.0.1,ip:::1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", password, "-keypass", password);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();               // no input; and no pipe left for a cleaner to close later
        p.getErrorStream().close();                // merged into the output, yet a pipe of its own, which the
                                                   // JDK would close only after the exit is reported
        String output;
        try (InputStream out = p.getInputStream()) {
            output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("keytool did not finish within 60 s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while keytool ran", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException("keytool exited with " + p.exitValue() + ": " + output.strip());
        }
        return new SelfSignedCertificate(store, password, "ev4j");
    }

    /// The key store, loaded.
    public KeyStore load() throws IOException {
        try (InputStream in = Files.newInputStream(keyStore)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password.toCharArray());
            return ks;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot load key store " + keyStore + ": " + e.getMessage(), e);
        }
    }

    /// A TLS context that presents this certificate (for a server, or a client certificate).
    public SSLContext serverContext() throws IOException {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(load(), password.toCharArray());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot make a TLS context from " + keyStore + ": " + e.getMessage(), e);
        }
    }

    /// A TLS context that trusts this certificate and nothing else (for a client).
    public SSLContext trustingClientContext() throws IOException {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ev4j-test", certificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot make a trusting TLS context: " + e.getMessage(), e);
        }
    }

    /// The certificate.
    public Certificate certificate() throws IOException {
        try {
            return load().getCertificate(alias);
        } catch (GeneralSecurityException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /// Writes the certificate (`cert.pem`) and its PKCS#8 private key (`key.pem`) as PEM files
    /// into `dir`, for programs that read PEM. Returns `{certificate, key}` paths.
    public Path[] writePem(Path dir) throws IOException {
        try {
            KeyStore ks = load();
            byte[] cert = ks.getCertificate(alias).getEncoded();
            byte[] key = ks.getKey(alias, password.toCharArray()).getEncoded();
            Path certPath = dir.resolve("cert.pem");
            Path keyPath = dir.resolve("key.pem");
            Files.writeString(certPath, pem("CERTIFICATE", cert));
            Files.writeString(keyPath, pem("PRIVATE KEY", key));
            return new Path[] {certPath, keyPath};
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot export " + keyStore + ": " + e.getMessage(), e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
