package io.ev4j.core;

/// The backends ev4j ships, by the names users select them with.
///
/// ```java
/// Loop loop = Loop.builder().backend(BackendKind.NIO).build();
/// ```
///
/// Without a choice, a loop uses the first available of [#EPOLL] then [#NIO]; [#POLL] is used
/// only when asked for. A user who cannot
/// change code selects by name with the system property `ev4j.backend` or the environment
/// variable `EV4J_BACKEND` (the property wins), for example `-Dev4j.backend=nio`.
public enum BackendKind {
    /// Linux epoll through the Foreign Function and Memory API: level-triggered, batched
    /// changes. Needs Linux and native access (`--enable-native-access`).
    EPOLL("epoll"),
    /// `java.nio.channels.Selector`: every platform the JDK runs on. Watches channels, not fds.
    NIO("nio"),
    /// Linux `poll(2)` through the Foreign Function and Memory API: the whole fd set passed on
    /// every poll, so it costs more per watched fd than epoll; never the default. Needs Linux
    /// and native access, like [#EPOLL]. Its loops cannot be embedded ([Loop#isEmbeddable()]).
    POLL("poll");

    private final String backendName;

    BackendKind(String backendName) {
        this.backendName = backendName;
    }

    /// The name used in properties, messages and `--backend` options: `epoll`, `nio`, `poll`.
    public String backendName() {
        return backendName;
    }

    /// True if this backend can run in this JVM on this machine.
    public boolean isAvailable() {
        return Backends.isAvailable(this);
    }

    /// The kind named `name` (case-insensitive).
    ///
    /// @throws IllegalArgumentException no backend has that name; the message lists the names
    public static BackendKind named(String name) {
        for (BackendKind kind : values()) {
            if (kind.backendName.equalsIgnoreCase(name.trim())) {
                return kind;
            }
        }
        throw new IllegalArgumentException("no backend named '" + name + "'; known: " + names());
    }

    static String names() {
        StringBuilder s = new StringBuilder();
        for (BackendKind kind : values()) {
            s.append(s.isEmpty() ? "" : ", ").append(kind.backendName);
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return backendName;
    }
}
