/// TLS for connections, on the JDK's `javax.net.ssl.SSLEngine` (no cryptography of our own):
/// [io.ev4j.net.tls.TlsConfig] says how a side is set up (SNI, ALPN, verification, handshake
/// timeout), [io.ev4j.net.tls.TlsSession] drives an engine between ciphertext and plaintext
/// buffers, and [io.ev4j.net.tls.SelfSignedCertificate] makes throw-away certificates for
/// tests and examples.
package io.ev4j.net.tls;
