package io.ev4j.core;

/// A watcher that waits in a [TimerHeap]: relative timers and wall-clock periodics. Holds the
/// heap's tie-breaking sequence number, so that both kinds share one heap implementation.
public abstract sealed class TimedWatcher extends Watcher permits TimerWatcher, PeriodicWatcher {
    /// Order of scheduling, for equal deadlines; set by [TimerHeap#add].
    long sequence;

    TimedWatcher(Loop loop) {
        super(loop);
    }
}
