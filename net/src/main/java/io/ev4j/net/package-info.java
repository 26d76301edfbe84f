/// The networking layer on an ev4j [io.ev4j.core.Loop]: buffered connections over TCP and
/// Unix-domain sockets ([io.ev4j.net.BufferedConnection]), listeners
/// ([io.ev4j.net.Listener]) and TLS, so that a protocol is written as callbacks on bytes
/// rather than on system calls.
///
/// Depends on `io.ev4j.core` only. `io.ev4j.net.buffer` holds the plain-data byte chains
/// these build on.
package io.ev4j.net;
