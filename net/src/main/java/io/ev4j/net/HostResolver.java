package io.ev4j.net;

import io.ev4j.core.Loop;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;

/// Turns a host name into addresses, for [BufferedConnection#connect(Loop, io.ev4j.net.buffer.SegmentPool,
/// HostResolver, String, int, io.ev4j.net.tls.TlsConfig, ConnectionOption...)] and anything
/// else that dials by name. The loop never blocks on a lookup: a resolver answers later, on
/// the loop thread.
///
/// ```java
/// HostResolver resolver = HostResolver.system();
/// HostResolver.Lookup lookup = resolver.resolve(loop, "example.org", (addresses, error) -> {
///     if (error != null) System.err.println("lookup failed: " + error);
///     else System.out.println(addresses);
/// });
/// ```
///
/// ## Contract for implementations
/// - `done` runs exactly once, on `loop`'s thread, and never from inside [#resolve] itself,
///   unless [Lookup#cancel()] was called first; after a cancel it never runs.
/// - On success `addresses` is not empty and `error` is null, in the order they should be
///   tried; on failure `addresses` is empty and `error` says why (an
///   [java.net.UnknownHostException] for a name with no address).
/// - While a lookup is outstanding it keeps [Loop#run()] going, as a started watcher would.
/// - If the loop closes first, the answer is dropped.
///
/// [#system()] asks the platform's resolver (hosts file, DNS as configured) on a few daemon
/// threads. An asynchronous DNS client plugs in here by implementing this interface.
@FunctionalInterface
public interface HostResolver {

    /// Starts looking up `host` for `loop`; call from the loop thread.
    Lookup resolve(Loop loop, String host, Callback done);

    /// What a resolver calls with its answer.
    @FunctionalInterface
    interface Callback {
        /// Runs on the loop thread: `addresses` (not empty) and a null `error`, or an empty list
        /// and the `error`.
        void resolved(List<InetAddress> addresses, IOException error);
    }

    /// An outstanding lookup.
    @FunctionalInterface
    interface Lookup {
        /// Drops the answer: the callback will not run. Loop thread only; idempotent.
        void cancel();
    }

    /// The platform's resolver (what [InetAddress#getAllByName] consults), run on a small pool
    /// of daemon threads so that a slow name server never stalls a loop. Lookups beyond the
    /// pool's threads wait their turn. The JDK caches answers as its `networkaddress.cache.ttl`
    /// security property says.
    static HostResolver system() {
        return SystemHostResolver.INSTANCE;
    }
}
