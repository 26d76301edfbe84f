package io.ev4j.core;

/// What a loop has done since it was created or since [Loop#resetMetrics()]: a snapshot.
///
/// ```java
/// LoopMetrics m = loop.metrics();
/// System.out.printf("%d iterations, %.1f%% blocked, %d callbacks%n", m.iterations(),
///         100.0 * m.blockedNs() / elapsedNs, m.callbacksRun());
/// ```
///
/// The counters are always kept: each is one field increment on the loop thread, and the
/// blocked time costs two clock reads only around a poll that may block. The longest callback
/// is known only while a slow-callback report is on ([Loop#setSlowCallbackReport]), because
/// timing every callback costs two clock reads per callback; otherwise it is 0 and its kind null.
///
/// @param iterations          backend polls made (one per loop iteration that got past prepare)
/// @param blockedNs           time spent inside polls that were allowed to block, in ns of the
///                            loop's clock
/// @param eventsReceived      readiness reports from the backend: one per ready handle per poll
/// @param callbacksRun        watcher callbacks invoked (a throwing one counts too)
/// @param tasksRun            tasks from [Loop#execute] run
/// @param longestCallbackNs   the longest watcher callback or task, while timing was on; else 0
/// @param longestCallbackKind its watcher kind (`io`, `timer`, ... or `task`), or null
/// @param slowCallbacks       callbacks and tasks that reached the slow-callback threshold
public record LoopMetrics(long iterations, long blockedNs, long eventsReceived, long callbacksRun,
                          long tasksRun, long longestCallbackNs, String longestCallbackKind,
                          long slowCallbacks) {
}
