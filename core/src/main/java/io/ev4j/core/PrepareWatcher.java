package io.ev4j.core;

import java.util.Objects;

/// Calls back at the start of every loop iteration, just before the loop may block
///.
///
/// ```java
/// new PrepareWatcher(loop, (w, events) -> flushWrites()).start();
/// ```
///
/// Use it to do work batched over a whole iteration (flush buffered output, adjust watchers
/// before the poll). Its callback may start and stop any watchers, and what it starts is taken
/// into account by the coming poll. Order among prepare watchers of one priority is unspecified.
public final class PrepareWatcher extends Watcher {
    private final Callback<? super PrepareWatcher> callback;

    /// A stopped prepare watcher.
    public PrepareWatcher(Loop loop, Callback<? super PrepareWatcher> callback) {
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
        return "prepare";
    }
}
