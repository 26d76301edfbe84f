package io.ev4j.core;

import java.time.Duration;
import java.util.Objects;

/// Calls back after a delay, once or repeatedly, on the loop's monotonic clock.
///
/// ```java
/// var timeout = new TimerWatcher(loop, (w, events) -> connection.close());
/// timeout.start(Duration.ofSeconds(30), Duration.ofSeconds(30));
/// // on activity, push the deadline back without a heap removal and insertion pair:
/// timeout.again();
/// ```
///
/// ## Guarantees
/// - **Never early**: the callback runs in the first iteration whose loop time
///   ([Loop#nowNs()]) is at or past the deadline, and the deadline is the delay past the loop
///   time at [#start()] (or [#again()]):
///   - called while the timer's loop runs (from its callbacks or tasks), that is the time the
///     loop read before the current batch of callbacks started, so timers started together
///     expire together; after a long computation call [Loop#updateNow()] first, or the timer
///     fires that much sooner than the delay after the call;
///   - called anywhere else (before [Loop#run()], between runs, or from a callback of another
///     loop, such as the outer loop of an [EmbedWatcher] between sweeps of this one), the loop
///     reads its clock first, so the delay counts from the call. The exception is a
///     [Loop#suspend()]ed loop, whose time stands still until [Loop#resume()].
/// - **Ties in start order**: timers due at the same loop time run in the order they were
///   (re)scheduled.
/// - **Repeating timers** are rescheduled `repeat` after their deadline, or at the current loop
///   time if the loop fell further behind (they do not fire in bursts to catch up).
/// - Start and stop are O(log n) in the number of active timers, and allocate nothing.
///
/// A one-shot timer is stopped just before its callback runs, so the callback may start it again.
public final class TimerWatcher extends TimedWatcher {
    private final Callback<? super TimerWatcher> callback;
    private long afterNs;
    private long repeatNs;

    /// A stopped timer; give it a delay with [#start(long, long)] or [#set].
    public TimerWatcher(Loop loop, Callback<? super TimerWatcher> callback) {
        super(loop);
        this.callback = Objects.requireNonNull(callback, "callback");
    }

    /// Sets the delay and repeat interval of a stopped timer.
    ///
    /// @param afterNs  delay before the first call, >= 0
    /// @param repeatNs interval of later calls, or 0 for a one-shot timer
    /// @throws IllegalStateException the timer is active
    public void set(long afterNs, long repeatNs) {
        loop.checkThread();
        if (isActive()) {
            throw new IllegalStateException("cannot set an active timer; stop() it first or use again()");
        }
        checkTimes(afterNs, repeatNs);
        this.afterNs = afterNs;
        this.repeatNs = repeatNs;
    }

    private static void checkTimes(long afterNs, long repeatNs) {
        if (afterNs < 0) {
            throw new IllegalArgumentException("timer delay must be >= 0 ns, got " + afterNs);
        }
        if (repeatNs < 0) {
            throw new IllegalArgumentException("timer repeat must be >= 0 ns (0: no repeat), got " + repeatNs);
        }
    }

    /// Sets the delay and repeat interval, then starts.
    public void start(long afterNs, long repeatNs) {
        set(afterNs, repeatNs);
        start();
    }

    /// Like [#start(long, long)] with durations; `repeat` may be [Duration#ZERO].
    public void start(Duration after, Duration repeat) {
        start(after.toNanos(), repeat.toNanos());
    }

    /// Starts with the delay and repeat last set. Does nothing if already active.
    @Override
    public void start() {
        loop.startTimer(this, afterNs);
    }

    @Override
    public void stop() {
        loop.stopTimer(this);
    }

    /// Restarts a repeating timer `repeat` from now, the cheap way to push back an inactivity
    /// timeout: active and repeating: rescheduled; active and not
    /// repeating: stopped; stopped and repeating: started with the repeat as its delay.
    public void again() {
        loop.againTimer(this);
    }

    /// Time until the timer is due, by loop time (negative if overdue and not yet run); for a
    /// stopped timer, its delay.
    public long remainingNs() {
        return loop.remainingNs(this);
    }

    /// The delay set last.
    public long afterNs() {
        return afterNs;
    }

    /// The repeat interval; 0 for a one-shot timer.
    public long repeatNs() {
        return repeatNs;
    }

    /// Changes the repeat interval; takes effect when the timer next fires or [#again()] runs.
    public void setRepeatNs(long repeatNs) {
        loop.checkThread();
        checkTimes(0, repeatNs);
        this.repeatNs = repeatNs;
    }

    @Override
    void invoke(int events) {
        callback.onEvent(this, events);
    }

    @Override
    String kind() {
        return "timer";
    }
}
