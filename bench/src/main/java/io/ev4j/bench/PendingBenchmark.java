package io.ev4j.bench;

import io.ev4j.core.Events;
import io.ev4j.core.IdleWatcher;
import io.ev4j.core.Loop;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/// The cost of the pending queue alone: queueing a callback and running it.
///
/// `WATCHERS` = 1,000 idle watchers (stopped; feeding works on any watcher) get random
/// priorities from -2 to 2 (fixed seed). Each invocation feeds every one of them with
/// `loop.feedEvent(w, Events.CUSTOM)` and then runs `loop.invokePending()`, which runs the
/// callbacks highest priority first; each callback increments a counter.
///
/// How to read it: ns per watcher (one invocation counts as 1,000 operations) for one queue
/// insertion, one removal in priority order and one callback, with no poll and no clock read
/// in between. `-prof gc` should show about 0 B/op.
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = BenchLoops.NATIVE_ACCESS)
@State(Scope.Thread)
public class PendingBenchmark {
    static final int WATCHERS = 1_000;

    private Loop loop;
    private IdleWatcher[] watchers;
    private long invoked;
    private long rounds;

    @Setup(Level.Trial)
    public void setUp() {
        loop = BenchLoops.simulated(new ManualClock());
        FastRandom random = new FastRandom(FastRandom.SEED);
        IdleWatcher.Callback<IdleWatcher> count = (w, events) -> invoked++;
        watchers = new IdleWatcher[WATCHERS];
        for (int i = 0; i < WATCHERS; i++) {
            watchers[i] = new IdleWatcher(loop, count);
            watchers[i].setPriority(Loop.MIN_PRIORITY
                    + random.nextIndex(Loop.MAX_PRIORITY - Loop.MIN_PRIORITY + 1));
        }
        loop.verify();                  // not at teardown: see TimerChurnBenchmark
    }

    @TearDown(Level.Iteration)
    public void checkEveryFeedRan() {
        if (invoked != rounds * WATCHERS || loop.pendingCount() != 0) {
            throw new IllegalStateException(rounds + " rounds ran " + invoked + " callbacks, not "
                    + rounds * WATCHERS + "; " + loop.pendingCount() + " still pending");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        loop.close();
    }

    /// Feed 1,000 watchers, then run their callbacks.
    @Benchmark
    @OperationsPerInvocation(WATCHERS)
    public void feedAndInvoke() {
        Loop l = loop;
        for (IdleWatcher w : watchers) {
            l.feedEvent(w, Events.CUSTOM);
        }
        l.invokePending();
        rounds++;
    }
}
