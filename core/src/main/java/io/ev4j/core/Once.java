package io.ev4j.core;

/// The pair of watchers behind [Loop#once]: whichever fires first stops both.
final class Once {
    private final Watcher.Callback<Watcher> callback;
    private final IoWatcher io;
    private final TimerWatcher timer;

    private Once(Loop loop, IoSource source, int events, Watcher.Callback<Watcher> callback) {
        this.callback = callback;
        this.io = source == null ? null : new IoWatcher(loop, source, events, (w, e) -> fire(w, e));
        this.timer = new TimerWatcher(loop, (w, e) -> fire(w, e));
    }

    static void start(Loop loop, IoSource source, int events, long timeoutNs, Watcher.Callback<Watcher> callback) {
        java.util.Objects.requireNonNull(callback, "callback");
        if (source == null && timeoutNs < 0) {
            throw new IllegalArgumentException("once() needs a source, a timeout, or both");
        }
        Once once = new Once(loop, source, events, callback);
        if (once.io != null) {
            once.io.start();
        }
        if (timeoutNs >= 0) {
            once.timer.start(timeoutNs, 0);
        }
    }

    private void fire(Watcher which, int events) {
        if (io != null) {
            io.stop();
        }
        timer.stop();
        callback.onEvent(which, events);
    }
}
