package io.ev4j.core;

import io.ev4j.core.sys.linux.Errno;
import io.ev4j.core.sys.linux.NativeBackend;
import io.ev4j.core.sys.linux.TimerFd;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/// One loop's [PeriodicWatcher]s: their heap keyed by wall-clock deadline, the loop's reading
/// of the wall clock, the detection of jumps of that clock, and (on native backends following
/// [WallClock#SYSTEM]) a kernel timer on the real-time clock.
///
/// ## Two ways to wait for a wall-clock time
/// - **Kernel timer.** While a periodic is active, an internal io watcher (which does not keep
///   the loop running) watches a timerfd armed, with cancel-on-set, at the first periodic's
///   deadline rounded up to the wall clock's millisecond. The kernel wakes the loop at that
///   wall-clock time however long the wait, so the poll needs no timeout for periodics (and
///   the periodics of an embedded loop wake the outer loop through the inner one's fd). When someone sets the system time, the fd becomes
///   readable at once and its read fails with `ECANCELED`: the loop reads the clocks again
///   (which reschedules the periodics if the clock jumped) and arms the timer again.
/// - **Capped wait** (the `nio` backend, an injected wall clock, or no timerfd to be had):
///   the poll waits until the first deadline but at most a second, so that a jump is seen
///   within about a second.
///
/// Either way, a jump is a change of more than [#MIN_WALL_JUMP_NS] of the wall clock against
/// the monotonic one between two readings.
final class LoopPeriodics {
    /// A change of the wall clock against the monotonic one larger than this is a jump.
    static final long MIN_WALL_JUMP_NS = 1_000_000_000L;
    /// Without a kernel timer, the loop blocks no longer than this while periodics are active.
    static final long MAX_PERIODIC_BLOCK_NS = 1_000_000_000L;
    private static final long MS = 1_000_000L;
    private static final long NOT_ARMED = Long.MIN_VALUE;

    private final Loop loop;
    private final PendingQueue pending;
    private final WallClock wallClock;
    private final TimerHeap<PeriodicWatcher> heap = new TimerHeap<>();
    /// Wall-clock time (ns since the epoch), and its difference from the monotonic clock at
    /// that reading: a change of that difference is a jump of the wall clock.
    private long wallNowNs;
    private long wallSkewNs;

    /// Null until known: whether this loop may use a kernel timer at all.
    private Boolean kernelTimerAllowed;
    private TimerFd timerFd;
    private int fd = -1;
    private IoWatcher readable;
    /// The absolute time the timerfd is armed at, or [#NOT_ARMED].
    private long armedAtNs = NOT_ARMED;
    private long clockSets;

    LoopPeriodics(Loop loop, PendingQueue pending, WallClock wallClock) {
        this.loop = loop;
        this.pending = pending;
        this.wallClock = wallClock;
    }

    int size() {
        return heap.size();
    }

    boolean isEmpty() {
        return heap.isEmpty();
    }

    /// The wall-clock time of the last reading.
    long wallNowNs() {
        return wallNowNs;
    }

    // ---------------------------------------------------------------- watchers

    /// Adds `p` at its next time after now.
    ///
    /// @throws RuntimeException what `p`'s rescheduler threw; nothing has changed then
    void start(PeriodicWatcher p, long monotonicNs) {
        boolean first = heap.isEmpty();
        if (first) {
            readWallClock(monotonicNs, false);      // a fresh time, and no jump to react to
        }
        long atNs = p.nextAfter(wallNowNs);
        if (first) {
            watchClockSets();
        }
        heap.add(p, atNs);
    }

    void stop(PeriodicWatcher p) {
        heap.remove(p);
        loop.watcherStopped();
        afterRemove();
    }

    long atNs(PeriodicWatcher p, long whenStoppedNs) {
        return p.isActive() ? heap.deadlineOf(p) : whenStoppedNs;
    }

    /// Queues every periodic due by the last wall-clock reading and computes its next time;
    /// one rescheduled in this pass waits for the next iteration even when already due again.
    void queueExpired() {
        long firstRescheduled = heap.nextSequence();
        while (!heap.isEmpty() && heap.firstDeadlineNs() <= wallNowNs && heap.first().sequence < firstRescheduled) {
            PeriodicWatcher p = heap.first();
            pending.queue(p, Events.PERIODIC);
            if (!p.repeats()) {
                stop(p);
                continue;
            }
            try {
                heap.reschedule(p, p.nextAfter(wallNowNs));
            } catch (RuntimeException e) {
                stop(p);
                loop.handleError(p, e);
            }
        }
    }

    // ---------------------------------------------------------------- the wall clock

    /// Reads the wall clock beside `monotonicNs`; with `reactToJumps`, reschedules every
    /// periodic if the two clocks moved apart by more than [#MIN_WALL_JUMP_NS].
    void readWallClock(long monotonicNs, boolean reactToJumps) {
        wallNowNs = wallClock.epochNanos();
        long skewNs = wallNowNs - monotonicNs;
        boolean jumped = Math.abs(skewNs - wallSkewNs) > MIN_WALL_JUMP_NS;
        wallSkewNs = skewNs;
        if (jumped && reactToJumps) {
            reschedule();
        }
    }

    /// The wall clock was set: every periodic computes its next time again from the new time.
    /// Rare, so it may allocate.
    private void reschedule() {
        List<PeriodicWatcher> all = new ArrayList<>(heap.size());
        while (!heap.isEmpty()) {
            PeriodicWatcher p = heap.first();
            all.add(p);
            heap.remove(p);
        }
        List<RuntimeException> failures = new ArrayList<>();
        List<PeriodicWatcher> failed = new ArrayList<>();
        for (PeriodicWatcher p : all) {
            try {
                heap.add(p, p.nextAfter(wallNowNs));
            } catch (RuntimeException e) {
                failed.add(p);
                failures.add(e);
            }
        }
        armedAtNs = NOT_ARMED;
        loop.watchersStopped(failed.size());            // counted out only once the heap is whole again
        afterRemove();
        for (int i = 0; i < failed.size(); i++) {
            loop.handleError(failed.get(i), failures.get(i));
        }
    }

    /// How long the poll may wait (`waitNs`, -1 for no limit) with the periodics active,
    /// after a fresh reading of the clocks: until the first is due, or without a limit of its
    /// own when the kernel timer is armed for it.
    long limitWaitNs(long waitNs) {
        long toFirstNs = Math.max(0, heap.firstDeadlineNs() - wallNowNs);
        if (toFirstNs == 0) {
            return 0;
        }
        if (armKernelTimer()) {
            return waitNs;
        }
        // Whole milliseconds, the wall clock's resolution, so that a wait never ends just
        // short of the deadline; and at most a second, so that clock jumps are seen soon.
        long limitNs = Math.min(Math.ceilDiv(toFirstNs, MS) * MS, MAX_PERIODIC_BLOCK_NS);
        return waitNs < 0 ? limitNs : Math.min(waitNs, limitNs);
    }

    // ---------------------------------------------------------------- the kernel timer

    /// The timerfd, or -1 before the first periodic needed it and after [#close()] (for tests).
    int timerFd() {
        return fd;
    }

    /// Times the kernel reported a setting of the real-time clock (for tests and the curious).
    long clockSets() {
        return clockSets;
    }

    /// True if periodics wait on the kernel timer now (for tests).
    boolean kernelTimerWatched() {
        return readable != null && readable.isActive();
    }

    private boolean kernelTimerAllowed() {
        Boolean k = kernelTimerAllowed;
        if (k == null) {
            k = kernelTimerAllowed = wallClock == WallClock.SYSTEM && loop.watchesFds()
                    && loop.backend() instanceof NativeBackend;
        }
        return k;
    }

    /// The first periodic has come: watch the timerfd (made on first need), if this loop may.
    private void watchClockSets() {
        if (!kernelTimerAllowed() || kernelTimerWatched()) {
            return;
        }
        if (fd < 0) {
            if (timerFd == null) {
                timerFd = new TimerFd();
            }
            int r = timerFd.create();
            if (r < 0) {
                return;                             // no timerfd (fds used up?): capped waits
            }
            fd = r;
        }
        if (readable == null) {
            readable = new IoWatcher(loop, IoSource.fd(fd), Events.READ, (w, e) -> onTimerFdReadable());
        }
        readable.start();
        loop.unref();                               // only the periodics themselves count
        armedAtNs = NOT_ARMED;
    }

    /// After a periodic left the heap and was counted out: the last one lets go of the
    /// kernel timer.
    private void afterRemove() {
        if (heap.isEmpty() && kernelTimerWatched()) {
            unwatch();
        }
    }

    /// Stops the internal watcher; the timer is armed again, which clears it, on next need.
    private void unwatch() {
        armedAtNs = NOT_ARMED;
        readable.stop();
        loop.ref();
    }

    /// Arms the timerfd at the first deadline if it is not already; false if periodics must
    /// use capped waits instead.
    private boolean armKernelTimer() {
        if (!kernelTimerWatched()) {
            return false;
        }
        long ms = Math.ceilDiv(heap.firstDeadlineNs(), MS);
        long atNs = ms > Long.MAX_VALUE / MS ? Long.MAX_VALUE : Math.max(ms * MS, 1);
        if (atNs == armedAtNs) {
            return true;
        }
        if (timerFd.setAbsolute(fd, atNs, true) < 0) {
            unwatch();                              // cannot happen for a valid fd; fall back
            return false;
        }
        armedAtNs = atNs;
        return true;
    }

    /// The timer expired (the loop's own reading of the clock then queues the periodic), or
    /// the clock was set: read the clocks again, which reschedules the periodics on a jump.
    private void onTimerFdReadable() {
        long r = timerFd.read(fd);
        if (r == -Errno.EAGAIN || r == -Errno.EINTR) {
            return;
        }
        armedAtNs = NOT_ARMED;                      // expired or cancelled: arm again before blocking
        if (r == -Errno.ECANCELED) {
            clockSets++;
            loop.updateNow();
        } else if (r < 0) {
            throw new UncheckedIOException(Errno.exception("read", "the periodic watchers' timerfd", (int) -r));
        }
    }

    // ---------------------------------------------------------------- checks and closing

    void verify() {
        heap.verify();
        PendingQueue.check(kernelTimerWatched() || armedAtNs == NOT_ARMED, "the periodic timerfd is armed unwatched");
    }

    /// The loop is closing: forgets every periodic and closes the timerfd.
    void close() {
        if (kernelTimerWatched()) {
            unwatch();
        }
        while (!heap.isEmpty()) {
            heap.remove(heap.first());
        }
        if (fd >= 0) {
            ((NativeBackend) loop.backend()).syscalls().close(fd);
            fd = -1;
        }
    }
}
