package io.ev4j.core;

import java.util.Objects;

/// Calls back on every loop iteration in which nothing else is pending.
///
/// ```java
/// var work = new IdleWatcher(loop, (w, events) -> { if (!doSomeBackgroundWork()) w.stop(); });
/// work.start();
/// ```
///
/// While an idle watcher is active the loop does not block in the poll: it checks for events
/// and comes straight back. Idle watchers of a priority run only when no callback of that or a
/// higher priority is pending, so they fill the gaps between real work. Order among idle
/// watchers of one priority is unspecified.
public final class IdleWatcher extends Watcher {
    private final Callback<? super IdleWatcher> callback;

    /// A stopped idle watcher.
    public IdleWatcher(Loop loop, Callback<? super IdleWatcher> callback) {
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
        return "idle";
    }
}
