package io.ev4j.core;

/// The loop's counters behind [LoopMetrics], and the timing of callbacks while a slow-callback
/// report is on. Loop thread only; plain fields, no atomics.
final class MetricCounters {
    private static final System.Logger LOG = System.getLogger(Loop.class.getName());

    private final Loop loop;
    private final NanoClock clock;
    long iterationsAtReset;
    long blockedNs;
    long eventsReceived;
    long callbacksRun;
    long tasksRun;
    long longestCallbackNs;
    String longestCallbackKind;
    long slowCallbacks;

    /// Reporting threshold, in ns; meaningful only while [#listener] is set.
    long slowThresholdNs;
    /// Non-null while callbacks are timed.
    SlowCallbackListener listener;

    MetricCounters(Loop loop, NanoClock clock) {
        this.loop = loop;
        this.clock = clock;
    }

    boolean timing() {
        return listener != null;
    }

    /// Turns the report on; a null `listener` logs a warning per slow callback.
    ///
    /// @throws IllegalArgumentException `thresholdNs` < 0
    void report(long thresholdNs, SlowCallbackListener listener) {
        if (thresholdNs < 0) {
            throw new IllegalArgumentException("slow-callback threshold must be >= 0 ns, got " + thresholdNs);
        }
        this.slowThresholdNs = thresholdNs;
        this.listener = listener != null ? listener : MetricCounters::logSlowCallback;
    }

    /// [Loop#invokePending()] with each callback timed, while a slow-callback report is on;
    /// kept apart so that the usual path reads no clock.
    void invokePendingTimed(PendingQueue pending) {
        Watcher w;
        while ((w = pending.takeNext()) != null) {
            int events = pending.lastEvents;
            callbacksRun++;
            long startNs = clock.nanoTime();
            try {
                w.invoke(events);
            } catch (Throwable t) {
                loop.handleError(w, t);
            }
            timed(w, w.kind(), startNs);
        }
    }

    /// Runs a task given to [Loop#execute], counted, and timed while a report is on.
    void runTask(Runnable task) {
        tasksRun++;
        long startNs = timing() ? clock.nanoTime() : 0;
        try {
            task.run();
        } catch (Throwable t) {
            loop.handleError(null, t);
        }
        if (timing()) {
            timed(null, "task", startNs);
        }
    }

    private void timed(Watcher w, String kind, long startNs) {
        long durationNs = clock.nanoTime() - startNs;
        SlowCallbackListener l = listener;
        if (took(kind, durationNs) && l != null) {
            try {
                l.onSlowCallback(loop, w, kind, durationNs);
            } catch (Throwable t) {
                loop.handleError(w, t);
            }
        }
    }

    private static void logSlowCallback(Loop loop, Watcher w, String kind, long durationNs) {
        LOG.log(System.Logger.Level.WARNING, "a " + kind + " callback held the loop for "
                + (durationNs / 1_000) + " µs" + (w == null ? "" : ": " + w));
    }

    /// Records one timed callback; true if it reached the threshold and must be reported.
    boolean took(String kind, long durationNs) {
        if (durationNs > longestCallbackNs) {
            longestCallbackNs = durationNs;
            longestCallbackKind = kind;
        }
        if (durationNs >= slowThresholdNs) {
            slowCallbacks++;
            return true;
        }
        return false;
    }

    LoopMetrics snapshot(long iteration) {
        return new LoopMetrics(iteration - iterationsAtReset, blockedNs, eventsReceived, callbacksRun,
                tasksRun, longestCallbackNs, longestCallbackKind, slowCallbacks);
    }

    void reset(long iteration) {
        iterationsAtReset = iteration;
        blockedNs = 0;
        eventsReceived = 0;
        callbacksRun = 0;
        tasksRun = 0;
        longestCallbackNs = 0;
        longestCallbackKind = null;
        slowCallbacks = 0;
    }
}
