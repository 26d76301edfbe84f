package io.ev4j.bench;

import io.ev4j.core.backend.Backend;

import java.nio.channels.SelectableChannel;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/// A [Backend] with no OS underneath, so that benchmarks measure the loop and not the kernel.
///
/// ```java
/// BenchBackend backend = new BenchBackend();            // real time: a blocking poll parks
/// Loop loop = Loop.builder().backend(backend).build();
/// backend.setReady(64, Backend.READ);                    // every poll reports fds 0..63 readable
/// ```
///
/// - It [watches fds][#watchesFds()], so io watchers take [io.ev4j.core.IoSource#fd(int)] and
///   their slot is the fd. It only records the interest the loop asks for; nothing is opened.
/// - **Readiness**: after [#setReady], every poll reports each of the first `count` slots that
///   is watched for any of the given events, level-triggered, as a kernel would while the data
///   stays unread. The report walks an `int[]` and allocates nothing.
/// - **Blocking** (a poll with a timeout other than 0 that has nothing to report): with a
///   [ManualClock], the clock jumps by the timeout and the poll returns (an endless wait is
///   refused, since nothing could end it); without one, the loop thread parks until the
///   timeout or a [#wakeup()], which unparks it, so a wake-up from another thread really ends a
///   wait, as an eventfd or a pipe would.
final class BenchBackend implements Backend {
    private final ManualClock clock;
    private int[] interest = new int[64];
    private int readyCount;
    private int readyMask;
    /// Set by [#wakeup()], cleared by the poll it ends (or the next one).
    private volatile boolean woken;
    /// The thread parked in (or about to park in) [#poll], for [#wakeup()] to unpark.
    private volatile Thread poller;

    /// A backend on real time: a blocking poll parks the loop thread.
    BenchBackend() {
        this(null);
    }

    /// A backend on `clock`, or on real time when `clock` is null.
    BenchBackend(ManualClock clock) {
        this.clock = clock;
    }

    /// From the next poll on, reports slots `0 .. count-1` ready for `mask` (as far as each is
    /// watched for it) on every poll. `count` 0 reports nothing.
    void setReady(int count, int mask) {
        if (count < 0) {
            throw new IllegalArgumentException("ready slot count must be >= 0, got " + count);
        }
        readyCount = count;
        readyMask = mask;
    }

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public boolean watchesFds() {
        return true;
    }

    @Override
    public void modify(int slot, int fd, SelectableChannel channel, int oldMask, int newMask,
                       boolean forceRegister) {
        if (slot >= interest.length) {
            interest = Arrays.copyOf(interest, Math.max(slot + 1, interest.length * 2));
        }
        interest[slot] = newMask;
    }

    @Override
    public int poll(long timeoutNs, ReadySink sink) {
        int reported = 0;
        int[] watched = interest;
        int end = Math.min(readyCount, watched.length);
        int mask = readyMask;
        for (int slot = 0; slot < end; slot++) {
            int ready = watched[slot] & mask;
            if (ready != 0) {
                sink.ready(slot, ready);
                reported++;
            }
        }
        if (reported > 0 || timeoutNs == 0) {
            return reported;
        }
        if (clock != null) {
            if (timeoutNs < 0) {
                throw new IllegalStateException("the bench backend on a manual clock was asked to wait "
                        + "without a timeout, and nothing could ever end that wait");
            }
            clock.advance(timeoutNs);
            return 0;
        }
        await(timeoutNs);
        return 0;
    }

    /// Parks until [#wakeup()] or `timeoutNs` (-1: no limit) has passed.
    private void await(long timeoutNs) {
        poller = Thread.currentThread();
        long deadline = timeoutNs > 0 ? System.nanoTime() + timeoutNs : 0;
        while (!woken) {
            if (timeoutNs < 0) {
                LockSupport.park(this);
            } else {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                LockSupport.parkNanos(this, left);
            }
        }
        // A wake-up that lands between the check above and this line is not lost: the loop
        // sets its own flag before it calls wakeup() and looks at that flag after every poll.
        woken = false;
    }

    /// Any thread: ends the current or next blocking poll.
    @Override
    public void wakeup() {
        woken = true;
        Thread waiting = poller;
        if (waiting != null) {
            LockSupport.unpark(waiting);
        }
    }

    @Override
    public void close() {
        readyCount = 0;
    }
}
