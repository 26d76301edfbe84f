package io.ev4j.bench;

import io.ev4j.core.Loop;
import io.ev4j.core.TimerWatcher;
import io.ev4j.core.Watcher;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/// The cost of changing one timer while a million others are active ("a million timers").
///
/// A loop (in-bench backend, manual clock that never moves, so nothing fires) holds
/// `timers` = 1,000,000 active one-shot timers with random delays between one and two hours
/// (fixed seed). Each operation:
/// - `restartRandom`: picks a random one of them, `stop()`s it and `start(randomDelay, 0)`s
///   it again: a removal from the middle of the timer heap and an insertion; the shape of an
///   inactivity timeout being pushed back;
/// - `startStopFresh`: `start(randomDelay, 0)` then `stop()` of one extra timer against the
///   million: an insertion at the bottom of the heap and its removal.
///
/// How to read it: ns per operation, including about 2 ns to draw the random numbers. The
/// heap is 4-ary and holds 8 MB of deadlines plus 4 to 8 MB of references, far more than the
/// caches, so `restartRandom` is dominated by cache misses on the path from a random heap slot
/// to the root; `startStopFresh` mostly touches the last slots and is far cheaper. Both should
/// show `gc.alloc.rate.norm` of about 0 B/op with `-prof gc`.
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = BenchLoops.NATIVE_ACCESS)
@State(Scope.Thread)
public class TimerChurnBenchmark {
    /// A benchmark timer fires only if the benchmark is broken: the clock never moves.
    private static final Watcher.Callback<TimerWatcher> MUST_NOT_FIRE = (w, events) -> {
        throw new AssertionError("a benchmark timer fired: the manual clock moved");
    };

    /// Number of active background timers.
    @Param("1000000")
    public int timers;

    private Loop loop;
    private TimerWatcher[] watchers;
    private TimerWatcher fresh;
    private FastRandom random;

    @Setup(Level.Trial)
    public void setUp() {
        loop = BenchLoops.simulated(new ManualClock());
        random = new FastRandom(FastRandom.SEED);
        watchers = new TimerWatcher[timers];
        for (int i = 0; i < timers; i++) {
            watchers[i] = new TimerWatcher(loop, MUST_NOT_FIRE);
            watchers[i].start(random.nextDelayNs(), 0);
        }
        fresh = new TimerWatcher(loop, MUST_NOT_FIRE);
        // Here rather than at teardown: what a trial teardown allocates counts in the last
        // measured iteration under -prof gc, and verify() allocates.
        loop.verify();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (loop.activeCount() != timers) {
            throw new IllegalStateException("expected " + timers + " active timers, found " + loop.activeCount());
        }
        loop.close();
    }

    /// Stop a random active timer and start it again with a new random delay.
    @Benchmark
    public void restartRandom() {
        TimerWatcher t = watchers[random.nextIndex(watchers.length)];
        t.stop();
        t.start(random.nextDelayNs(), 0);
    }

    /// Start one extra timer with a random delay and stop it again.
    @Benchmark
    public void startStopFresh() {
        fresh.start(random.nextDelayNs(), 0);
        fresh.stop();
    }
}
