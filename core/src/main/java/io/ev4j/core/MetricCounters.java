package io.ev4j.core;

/// The loop's counters behind [LoopMetrics], and the timing of callbacks while a slow-callback
/// report is on. Loop thread only; plain fields, no atomics.
final class MetricCounters {
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

    boolean timing() {
        return listener != null;
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
