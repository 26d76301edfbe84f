package io.ev4j.core;

import java.util.Objects;

/// Calls back once when its loop is closed, before the loop releases its resources.
///
/// ```java
/// new CleanupWatcher(loop, (w, events) -> arena.close()).start();
/// ```
///
/// An active cleanup watcher does not keep [Loop#run()] going. Its callback may not start
/// watchers on the closing loop.
public final class CleanupWatcher extends Watcher {
    private final Callback<? super CleanupWatcher> callback;

    /// A stopped cleanup watcher.
    public CleanupWatcher(Loop loop, Callback<? super CleanupWatcher> callback) {
        super(loop);
        this.callback = Objects.requireNonNull(callback, "callback");
    }

    /// Starts it. Does nothing if already active.
    @Override
    public void start() {
        loop.startListed(this);
    }

    @Override
    public void stop() {
        loop.stopListed(this);
    }

    @Override
    void invoke(int events) {
        callback.onEvent(this, events);
    }

    @Override
    String kind() {
        return "cleanup";
    }
}
