package io.ev4j.examples.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.ev4j.core.BackendKind;
import io.ev4j.examples.ExampleJvm;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/// `tls-echo-server` in a JVM of its own: it makes its certificate, a JDK TLS client that
/// trusts only that certificate (checking the host name) gets its bytes echoed with ALPN
/// `echo`, and SIGTERM stops it and removes the certificate.
@Timeout(120)
class TlsEchoServerTest {

    @ParameterizedTest
    @MethodSource("io.ev4j.examples.Backends#available")
    void echoesOverTlsWithItsOwnCertificateAndStopsCleanly(BackendKind kind) throws Exception {
        Process p = ExampleJvm.start("tls-echo-server", kind, "0");
        List<String> lines = new ArrayList<>();
        Path certPem;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            certPem = Path.of(ExampleJvm.expectLine(out, lines,
                    Pattern.compile("tls-echo-server: self-signed certificate for localhost in (\\S+)")).group(1));
            Matcher m = ExampleJvm.expectLine(out, lines,
                    Pattern.compile("tls-echo-server listening on .*:(\\d+) \\((\\w+) backend\\).*"));
            assertEquals(kind.backendName(), m.group(2));

            try (SSLSocket s = (SSLSocket) trusting(certPem).getSocketFactory()
                    .createSocket("127.0.0.1", Integer.parseInt(m.group(1)))) {
                SSLParameters params = s.getSSLParameters();
                params.setServerNames(List.of(new SNIHostName("localhost")));
                params.setEndpointIdentificationAlgorithm("HTTPS");
                params.setApplicationProtocols(new String[] {"echo"});
                s.setSSLParameters(params);
                byte[] hello = "hello, tls echo\n".getBytes(StandardCharsets.UTF_8);
                s.getOutputStream().write(hello);
                s.getOutputStream().flush();
                byte[] back = s.getInputStream().readNBytes(hello.length);
                assertEquals(new String(hello, StandardCharsets.UTF_8), new String(back, StandardCharsets.UTF_8));
                assertEquals("echo", s.getApplicationProtocol());
            }
            ExampleJvm.stopWithSigterm(p, out, lines);  // the hook stops the loop
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        assertEquals("tls-echo-server stopped after 1 connections", lines.getLast(), String.join("\n", lines));
        assertFalse(Files.exists(certPem), "the certificate it made is gone");
    }

    private static SSLContext trusting(Path pem) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            trust.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
