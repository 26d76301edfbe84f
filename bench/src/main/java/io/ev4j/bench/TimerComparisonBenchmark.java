package io.ev4j.bench;

import io.ev4j.core.Loop;
import io.ev4j.core.TimerWatcher;
import io.ev4j.core.Watcher;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/// ev4j's timers against two common JVM timers, doing the same work against the same
/// background: `BACKGROUND` = 100,000 scheduled timers with random delays of one to two hours
/// (fixed seed; none comes due during a run).
///
/// | peer    | set up as                                                         | schedule              | cancel          |
/// |---------|-------------------------------------------------------------------|-----------------------|-----------------|
/// | `ev4j`  | a [Loop] on the in-bench backend, manual clock                    | `TimerWatcher.start`  | `stop()`        |
/// | `stpe`  | `ScheduledThreadPoolExecutor(1)`, `setRemoveOnCancelPolicy(true)` | `schedule(task, d)`   | `cancel(false)` |
/// | `wheel` | `HashedWheelTimer`, 1 ms tick, 512 buckets                        | `newTimeout(task, d)` | `cancel()`      |
///
/// Two shapes of work, each measured for all three:
/// - `startCancel_*`: schedule one more timer with a random delay, then cancel it;
/// - `restart_*`: cancel a random one of the background timers and schedule a replacement with
///   a new random delay (an inactivity timeout pushed back; the background stays at 100,000).
///
/// How to read it: ns per schedule+cancel pair on the calling thread, lower is better; compare
/// the three figures of one shape, measured in the same run, as ratios. The peers allocate a
/// task handle per schedule (ev4j reuses its watcher), which `-prof gc` shows as B/op. The
/// wheel also leaves part of the work to its worker thread, which these figures do not
/// include: it files new timeouts into buckets and drops cancelled ones once per tick. The wheel
/// runs with a 1 ms tick rather than its 100 ms default because it files at most 100,000 new
/// timeouts per tick; at the default tick a churn loop outruns its worker and its queue of new
/// timeouts grows without bound.
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = BenchLoops.NATIVE_ACCESS)
public class TimerComparisonBenchmark {
    /// Timers scheduled in the background of every measurement.
    static final int BACKGROUND = 100_000;

    /// ev4j: a loop whose clock never moves, with the background started.
    @State(Scope.Thread)
    public static class Ev4j {
        private static final Watcher.Callback<TimerWatcher> MUST_NOT_FIRE = (w, events) -> {
            throw new AssertionError("a benchmark timer fired: the manual clock moved");
        };

        Loop loop;
        TimerWatcher[] background;
        TimerWatcher fresh;
        FastRandom random;

        @Setup(Level.Trial)
        public void setUp() {
            loop = BenchLoops.simulated(new ManualClock());
            random = new FastRandom(FastRandom.SEED);
            background = new TimerWatcher[BACKGROUND];
            for (int i = 0; i < BACKGROUND; i++) {
                background[i] = new TimerWatcher(loop, MUST_NOT_FIRE);
                background[i].start(random.nextDelayNs(), 0);
            }
            fresh = new TimerWatcher(loop, MUST_NOT_FIRE);
            loop.verify();              // not at teardown: see TimerChurnBenchmark
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            expectBackground("ev4j", loop.activeCount());
            loop.close();
        }
    }

    /// The JDK's scheduled executor, one worker thread, cancelled tasks removed at once.
    @State(Scope.Thread)
    public static class Stpe {
        private static final AtomicLong FIRED = new AtomicLong();
        private static final Runnable TASK = FIRED::incrementAndGet;

        ScheduledThreadPoolExecutor executor;
        ScheduledFuture<?>[] background;
        FastRandom random;

        @Setup(Level.Trial)
        public void setUp() {
            executor = new ScheduledThreadPoolExecutor(1, daemonThreads("bench-stpe"));
            executor.setRemoveOnCancelPolicy(true);
            random = new FastRandom(FastRandom.SEED);
            background = new ScheduledFuture<?>[BACKGROUND];
            for (int i = 0; i < BACKGROUND; i++) {
                background[i] = executor.schedule(TASK, random.nextDelayNs(), TimeUnit.NANOSECONDS);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            expectNoneFired("ScheduledThreadPoolExecutor", FIRED.get());
            expectBackground("ScheduledThreadPoolExecutor", executor.getQueue().size());
            executor.shutdownNow();
        }
    }

    /// A hashed wheel timer with a 1 ms tick (see the class comment).
    @State(Scope.Thread)
    public static class Wheel {
        private static final AtomicLong FIRED = new AtomicLong();
        private static final TimerTask TASK = timeout -> FIRED.incrementAndGet();

        HashedWheelTimer timer;
        Timeout[] background;
        FastRandom random;

        @Setup(Level.Trial)
        public void setUp() {
            timer = new HashedWheelTimer(daemonThreads("bench-wheel"), 1, TimeUnit.MILLISECONDS, 512);
            random = new FastRandom(FastRandom.SEED);
            background = new Timeout[BACKGROUND];
            for (int i = 0; i < BACKGROUND; i++) {
                background[i] = timer.newTimeout(TASK, random.nextDelayNs(), TimeUnit.NANOSECONDS);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            expectNoneFired("HashedWheelTimer", FIRED.get());
            timer.stop();
        }
    }

    // ------------------------------------------------------------ schedule one more, cancel it

    @Benchmark
    public void startCancel_ev4j(Ev4j s) {
        s.fresh.start(s.random.nextDelayNs(), 0);
        s.fresh.stop();
    }

    @Benchmark
    public boolean startCancel_stpe(Stpe s) {
        return s.executor.schedule(Stpe.TASK, s.random.nextDelayNs(), TimeUnit.NANOSECONDS).cancel(false);
    }

    @Benchmark
    public boolean startCancel_wheel(Wheel s) {
        return s.timer.newTimeout(Wheel.TASK, s.random.nextDelayNs(), TimeUnit.NANOSECONDS).cancel();
    }

    // ------------------------------------------------------------ cancel a random one, reschedule

    @Benchmark
    public void restart_ev4j(Ev4j s) {
        TimerWatcher t = s.background[s.random.nextIndex(BACKGROUND)];
        t.stop();
        t.start(s.random.nextDelayNs(), 0);
    }

    @Benchmark
    public void restart_stpe(Stpe s) {
        int i = s.random.nextIndex(BACKGROUND);
        s.background[i].cancel(false);
        s.background[i] = s.executor.schedule(Stpe.TASK, s.random.nextDelayNs(), TimeUnit.NANOSECONDS);
    }

    @Benchmark
    public void restart_wheel(Wheel s) {
        int i = s.random.nextIndex(BACKGROUND);
        s.background[i].cancel();
        s.background[i] = s.timer.newTimeout(Wheel.TASK, s.random.nextDelayNs(), TimeUnit.NANOSECONDS);
    }

    // ------------------------------------------------------------ helpers

    static ThreadFactory daemonThreads(String name) {
        return runnable -> {
            Thread t = new Thread(runnable, name);
            t.setDaemon(true);
            return t;
        };
    }

    static void expectBackground(String peer, long size) {
        if (size != BACKGROUND) {
            throw new IllegalStateException(peer + " holds " + size + " timers at the end, not " + BACKGROUND);
        }
    }

    static void expectNoneFired(String peer, long fired) {
        if (fired != 0) {
            throw new IllegalStateException(fired + " " + peer + " tasks fired during the run; "
                    + "the background is meant to stay scheduled");
        }
    }
}
