package io.ev4j.core;

import io.ev4j.core.backend.Backend;

/// Stub: replaced by the real loop.
public final class Loop implements AutoCloseable {
    private final Backend backend;

    Loop(Backend backend) {
        this.backend = backend;
    }

    /// The backend this loop polls with.
    public Backend backend() {
        return backend;
    }

    /// True if io watchers on this loop take [IoSource.Fd], false if [IoSource.Channel].
    public boolean watchesFds() {
        return backend.watchesFds();
    }

    /// Test-only until the builder exists.
    public static Loop withBackend(Backend backend) {
        return new Loop(backend);
    }

    @Override
    public void close() {
        backend.close();
    }
}
