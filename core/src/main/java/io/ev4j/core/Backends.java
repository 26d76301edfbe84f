package io.ev4j.core;

import io.ev4j.core.backend.Backend;
import io.ev4j.core.backend.epoll.EpollBackend;
import io.ev4j.core.backend.nio.SelectorBackend;
import io.ev4j.core.backend.poll.PollBackend;

import java.io.IOException;
import java.io.UncheckedIOException;

/// The one place that knows which backends exist, which are available here, and which is best.
final class Backends {
    /// System property naming the backend for loops whose builder names none.
    static final String PROPERTY = "ev4j.backend";
    /// Environment variable doing the same, for users who cannot pass JVM options.
    static final String ENVIRONMENT = "EV4J_BACKEND";

    private Backends() {
    }

    static boolean isAvailable(BackendKind kind) {
        return switch (kind) {
            case EPOLL -> EpollBackend.isSupported();
            case NIO -> SelectorBackend.isSupported();
            case POLL -> PollBackend.isSupported();
        };
    }

    /// Opens `kind`, or the configured or best backend when `kind` is null.
    static Backend open(BackendKind kind) {
        BackendKind chosen = kind != null ? kind : configuredOrBest();
        if (!chosen.isAvailable()) {
            throw new IllegalArgumentException("the " + chosen + " backend is not available here"
                    + (chosen == BackendKind.EPOLL || chosen == BackendKind.POLL
                        ? " (it needs Linux and --enable-native-access=ALL-UNNAMED or =io.ev4j.core)" : ""));
        }
        try {
            return switch (chosen) {
                case EPOLL -> new EpollBackend();
                case NIO -> new SelectorBackend();
                case POLL -> new PollBackend();
            };
        } catch (IOException e) {
            throw new UncheckedIOException("could not open the " + chosen + " backend", e);
        }
    }

    private static BackendKind configuredOrBest() {
        String name = System.getProperty(PROPERTY);
        if (name == null || name.isBlank()) {
            name = System.getenv(ENVIRONMENT);
        }
        if (name != null && !name.isBlank()) {
            return BackendKind.named(name);
        }
        return BackendKind.EPOLL.isAvailable() ? BackendKind.EPOLL : BackendKind.NIO;   // never POLL
    }
}
