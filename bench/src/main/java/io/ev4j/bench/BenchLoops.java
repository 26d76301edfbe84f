package io.ev4j.bench;

import io.ev4j.core.Loop;

import java.io.UncheckedIOException;

/// Makes the loops benchmarks run on: on the in-bench [BenchBackend], or on a real backend by
/// name, turning "not available here" into one clear failure of that parameter set.
///
/// ```java
/// Loop loop = BenchLoops.open("epoll");   // throws BackendUnavailableException when absent
/// ```
final class BenchLoops {
    /// Every forked benchmark JVM gets this, so that native backends run without a warning even
    /// when the jar was started without it.
    static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
    /// The `@Param` value that selects the in-bench backend in place of a real one.
    static final String IN_BENCH = "bench";

    private BenchLoops() {
    }

    /// A loop on the in-bench backend, on simulated time.
    static Loop simulated(ManualClock clock) {
        return Loop.builder().backend(new BenchBackend(clock)).clock(clock).build();
    }

    /// A loop on `backend`: [#IN_BENCH] for a [BenchBackend] on real time, else a backend name
    /// the loop builder knows (`epoll`, `poll`, `nio`).
    ///
    /// @throws BackendUnavailableException that backend cannot be opened here
    static Loop open(String backend) {
        if (IN_BENCH.equals(backend)) {
            return Loop.builder().backend(new BenchBackend()).build();
        }
        try {
            return Loop.builder().backend(backend).build();
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new BackendUnavailableException(backend, e);
        }
    }

    /// Thrown from a `@Setup` to skip a parameter set whose backend this build or machine
    /// lacks: JMH reports that set as failed with this message and goes on with the others.
    static final class BackendUnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BackendUnavailableException(String backend, Exception cause) {
            super("SKIPPED: the '" + backend + "' backend is not available here (" + cause.getMessage()
                    + "); run with -p backend=" + IN_BENCH + " to leave it out", cause);
        }
    }
}
