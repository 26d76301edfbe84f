package io.ev4j.core;

/// Hears of a callback that held the loop thread for at least a threshold: the usual reason a
/// loop stops answering.
///
/// ```java
/// loop.setSlowCallbackReport(Duration.ofMillis(20).toNanos(), (l, watcher, kind, durationNs) ->
///         System.err.printf("a %s callback took %.1f ms: %s%n", kind, durationNs / 1e6, watcher));
/// ```
///
/// Called on the loop thread right after the slow callback returned (or threw). What the
/// listener throws goes to the loop's [Loop.ErrorHandler]. Keep it short: it runs on the loop.
@FunctionalInterface
public interface SlowCallbackListener {

    /// @param watcher    the watcher whose callback was slow, or null for a task from
    ///                   [Loop#execute]
    /// @param kind       the watcher kind (`io`, `timer`, `signal`, ...) or `task`
    /// @param durationNs how long the callback ran, in ns of the loop's clock
    void onSlowCallback(Loop loop, Watcher watcher, String kind, long durationNs);
}
