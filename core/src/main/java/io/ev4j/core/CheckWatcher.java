package io.ev4j.core;

import java.util.Objects;

/// Calls back in every loop iteration right after the poll, before the callbacks of the events
/// the poll found.
///
/// ```java
/// new CheckWatcher(loop, (w, events) -> otherEventSystem.dispatchReady()).start();
/// ```
///
/// Check callbacks run before every other pending callback of the same priority; give check
/// watchers [Loop#MAX_PRIORITY] to run them before everything. With a [PrepareWatcher], it is
/// the hook for embedding another event source. Order among check watchers of one priority is
/// unspecified.
public final class CheckWatcher extends Watcher {
    private final Callback<? super CheckWatcher> callback;

    /// A stopped check watcher.
    public CheckWatcher(Loop loop, Callback<? super CheckWatcher> callback) {
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
        return "check";
    }
}
