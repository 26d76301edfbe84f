package io.ev4j.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/// Calls back at wall-clock times: at one moment, on every multiple of an
/// interval past an offset ("every hour on the hour"), or whenever a rescheduling function says.
///
/// ```java
/// // every full hour, whatever the time now is
/// new PeriodicWatcher(loop, (w, events) -> rotateLogs()).startEvery(Duration.ofHours(1), Duration.ZERO);
/// // once, at a moment
/// new PeriodicWatcher(loop, (w, events) -> report()).startAt(Instant.parse("2027-01-01T00:00:00Z"));
/// // cron-like: the next even minute
/// new PeriodicWatcher(loop, callback).start((w, nowNs) -> (nowNs / 120_000_000_000L + 1) * 120_000_000_000L);
/// ```
///
/// ## Modes
/// - **Absolute** (`startAt`, interval 0): fires once when the wall clock reaches the time,
///   then is stopped. If the clock is set back, it still waits for that wall-clock time.
/// - **Interval** (`startEvery(interval, offset)`): fires at `offset + k * interval` (ns since
///   the epoch) for each k whose time comes, without drift. After a long stall it fires once,
///   not once per missed slot, and goes on from the next slot; after a jump of the wall clock
///   it goes straight to the next slot of the new time.
/// - **Rescheduled** (`start(Rescheduler)`): after each firing the function gives the next
///   time. It must return a time later than the `nowNs` it is given; otherwise the watcher is
///   stopped and an [IllegalStateException] naming the two times goes to the loop's error handler.
///
/// ## Clock jumps and caveats
/// The loop reads the wall clock once per iteration ([Loop#wallNowNs()]) and compares it with
/// its monotonic clock. When the two drift apart by more than a second (the system time was
/// set), interval and rescheduled periodics are computed again from the new time; a smaller
/// setting moves no periodic, so a slot just crossed still fires.
///
/// How soon a setting is seen depends on the loop:
/// - **Native backends (`epoll`, `poll`) on [WallClock#SYSTEM]:** at once. While a periodic
///   is active the loop watches a Linux timerfd on the real-time clock, armed with
///   cancel-on-set at the first periodic's time (rounded up to the millisecond). The kernel
///   wakes the loop at that wall-clock time however long the wait, and makes the fd readable
///   the moment anyone sets the system time; the loop then reads both clocks again, which
///   reschedules as above, and arms the timer anew. The poll needs no timeout for periodics,
///   so an idle loop with a periodic an hour away sleeps for the hour. The timerfd is made
///   when the first periodic starts, does not keep [Loop#run()] going, and is closed with
///   the loop.
/// - **The `nio` backend, an injected [WallClock], or no timerfd to be had:** within about a
///   second: while any periodic is active the loop blocks for at most a second.
///
/// The system wall clock has millisecond resolution ([WallClock#SYSTEM]); a periodic never
/// fires before its time by that clock. Time spent suspended ([Loop#suspend()]) is not
/// subtracted: periodics follow the wall clock.
public final class PeriodicWatcher extends TimedWatcher {

    /// Gives the next time (ns since the epoch) a rescheduled periodic should fire.
    @FunctionalInterface
    public interface Rescheduler {
        /// @param nowNs the loop's wall-clock time, ns since the epoch
        /// @return a time later than `nowNs`
        long nextNs(PeriodicWatcher watcher, long nowNs);
    }

    private final Callback<? super PeriodicWatcher> callback;
    private long offsetNs;
    private long intervalNs;
    private Rescheduler rescheduler;

    /// A stopped periodic; give it a time with [#set], [#startAt], [#startEvery] or [#start(Rescheduler)].
    public PeriodicWatcher(Loop loop, Callback<? super PeriodicWatcher> callback) {
        super(loop);
        this.callback = Objects.requireNonNull(callback, "callback");
    }

    /// Sets a stopped periodic: absolute at `offsetNs` when `intervalNs == 0`, else every
    /// `intervalNs` aligned to `offsetNs` (both ns; the offset since the epoch).
    ///
    /// @throws IllegalArgumentException `intervalNs` < 0
    /// @throws IllegalStateException    the watcher is active
    public void set(long offsetNs, long intervalNs) {
        requireStopped();
        if (intervalNs < 0) {
            throw new IllegalArgumentException("interval must be >= 0 ns (0: fire once at the offset), got " + intervalNs);
        }
        this.offsetNs = offsetNs;
        this.intervalNs = intervalNs;
        this.rescheduler = null;
    }

    /// Sets a stopped periodic to ask `rescheduler` for each time.
    public void set(Rescheduler rescheduler) {
        requireStopped();
        this.rescheduler = Objects.requireNonNull(rescheduler, "rescheduler");
        this.intervalNs = 0;
    }

    /// Fires once at `at`.
    public void startAt(Instant at) {
        set(at.getEpochSecond() * 1_000_000_000L + at.getNano(), 0);
        start();
    }

    /// Fires at every `offset + k * interval` since the epoch.
    ///
    /// @throws IllegalArgumentException `interval` is not positive
    public void startEvery(Duration interval, Duration offset) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive, got " + interval);
        }
        set(offset.toNanos(), interval.toNanos());
        start();
    }

    /// Fires at each time `rescheduler` gives.
    public void start(Rescheduler rescheduler) {
        set(rescheduler);
        start();
    }

    @Override
    public void start() {
        loop.startPeriodic(this);
    }

    @Override
    public void stop() {
        loop.stopPeriodic(this);
    }

    /// Stops and starts again, computing the next time from the current wall clock.
    public void again() {
        stop();
        start();
    }

    /// When this periodic fires next (ns since the epoch), or its offset while stopped.
    public long atNs() {
        return loop.periodicAtNs(this, offsetNs);
    }

    /// The interval in ns; 0 for absolute and rescheduled periodics.
    public long intervalNs() {
        return intervalNs;
    }

    /// The next time after `nowNs`, by this watcher's mode; for the loop.
    long nextAfter(long nowNs) {
        if (rescheduler != null) {
            long next = rescheduler.nextNs(this, nowNs);
            if (next <= nowNs) {
                throw new IllegalStateException("the rescheduler of " + this + " returned " + next
                        + " ns, not later than now (" + nowNs + " ns); the periodic is stopped");
            }
            return next;
        }
        if (intervalNs == 0 || nowNs < offsetNs) {
            return offsetNs;
        }
        return offsetNs + (Math.floorDiv(nowNs - offsetNs, intervalNs) + 1) * intervalNs;
    }

    /// True for a periodic that fires again after firing (interval or rescheduled).
    boolean repeats() {
        return intervalNs > 0 || rescheduler != null;
    }

    private void requireStopped() {
        loop.checkThread();
        if (isActive()) {
            throw new IllegalStateException("cannot set an active periodic; stop() it first");
        }
    }

    @Override
    void invoke(int events) {
        callback.onEvent(this, events);
    }

    @Override
    String kind() {
        return "periodic";
    }
}
