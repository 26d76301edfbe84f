package io.ev4j.core;

/// A loop's active [TimerWatcher]s, in a 4-ary heap keyed by deadline in loop time
/// ([Loop#nowNs()]), and what the loop does with them each iteration.
///
/// Every method takes the loop time it should go by, so that one batch of callbacks sees one
/// time. Starting and stopping count the watcher in and out of the loop's active count.
/// Loop thread only.
final class LoopTimers {
    private final Loop loop;
    private final PendingQueue pending;
    private final TimerHeap<TimerWatcher> heap = new TimerHeap<>();
    /// Loop time of the [Loop#suspend()] not yet resumed, or -1.
    private long suspendedAtNs = -1;

    LoopTimers(Loop loop, PendingQueue pending) {
        this.loop = loop;
        this.pending = pending;
    }

    int size() {
        return heap.size();
    }

    /// ns from `nowNs` to the first deadline (0 if due), or -1 with no timer active.
    long delayNs(long nowNs) {
        return heap.isEmpty() ? -1 : Math.max(0, heap.firstDeadlineNs() - nowNs);
    }

    void start(TimerWatcher t, long deadlineNs) {
        heap.add(t, deadlineNs);
        loop.watcherStarted();
    }

    void stop(TimerWatcher t) {
        heap.remove(t);
        loop.watcherStopped();
    }

    /// [TimerWatcher#again()]: a repeating timer (re)starts `repeat` from now; a one-shot
    /// that is active stops.
    void again(TimerWatcher t, long nowNs) {
        if (t.isActive()) {
            if (t.repeatNs() > 0) {
                heap.reschedule(t, nowNs + t.repeatNs());
            } else {
                stop(t);
            }
        } else if (t.repeatNs() > 0) {
            start(t, nowNs + t.repeatNs());
        }
    }

    long remainingNs(TimerWatcher t, long nowNs) {
        return t.isActive() ? heap.deadlineOf(t) - nowNs : t.afterNs();
    }

    /// Queues every timer due by `nowNs`, in deadline order; repeating ones move on by their
    /// interval (to now at the earliest), the others stop.
    void queueExpired(long nowNs) {
        // Timers rescheduled in this pass carry a sequence number from here on; they wait for
        // the next iteration even when their new deadline is already due.
        long firstRescheduled = heap.nextSequence();
        while (!heap.isEmpty() && heap.firstDeadlineNs() <= nowNs && heap.first().sequence < firstRescheduled) {
            TimerWatcher t = heap.first();
            if (t.repeatNs() > 0) {
                heap.reschedule(t, Math.max(heap.firstDeadlineNs() + t.repeatNs(), nowNs));
            } else {
                stop(t);
            }
            pending.queue(t, Events.TIMER);
        }
    }

    /// [Loop#suspend()]: time from `nowNs` on, until [#resume], does not count.
    void suspend(long nowNs) {
        suspendedAtNs = nowNs;
    }

    boolean isSuspended() {
        return suspendedAtNs >= 0;
    }

    /// [Loop#resume()] after a [#suspend]: every deadline moves later by the time suspended.
    void resume(long nowNs) {
        heap.shiftAll(nowNs - suspendedAtNs);
        suspendedAtNs = -1;
    }

    /// Forgets every timer (the loop is closing; it resets its counts apart).
    void clear() {
        while (!heap.isEmpty()) {
            heap.remove(heap.first());
        }
    }

    void verify() {
        heap.verify();
    }
}
