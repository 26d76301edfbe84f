package io.ev4j.bench;

import io.ev4j.core.Loop;
import io.ev4j.core.TimerWatcher;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/// How many timers a loop fires per second: expiry, heap rescheduling and callback dispatch.
///
/// A loop on the in-bench backend and a manual clock holds `TIMERS` = 10,000 repeating timers
/// whose deadlines are spread evenly over `STEPS` = 100 steps of 1 ms (timer `i` is first due
/// at `(i % 100) + 1` ms, then every 100 ms). Each invocation moves the clock 1 ms forward and
/// runs `runNoWait()`, which fires exactly the `PER_STEP` = 100 timers due at that step and
/// reschedules each 100 ms later; every callback increments a counter.
///
/// `deadlines`:
/// - `equal`: the 100 timers of a step share one deadline, as timers started in one loop
///   iteration with the same delay do (loop time is read once per iteration); the heap then
///   breaks ties by scheduling order;
/// - `distinct`: timer `i` is due `i / 100` ns before its step ends (0 to 99 ns), so no two
///   deadlines are equal; the same timers fire in the same steps.
///
/// How to read it: ops/s = timers fired per second (one invocation counts as 100 operations);
/// higher is better. The figure includes one loop iteration per 100 timers (poll, clock read,
/// pending queue), so it is the throughput of a loop busy with timers only. `-prof gc` should
/// show about 0 B/op.
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = BenchLoops.NATIVE_ACCESS)
@State(Scope.Thread)
public class TimerFiringBenchmark {
    static final int TIMERS = 10_000;
    static final int STEPS = 100;
    static final int PER_STEP = TIMERS / STEPS;
    static final long STEP_NS = TimeUnit.MILLISECONDS.toNanos(1);

    /// `equal` or `distinct` deadlines within a step (see the class comment).
    @Param({"equal", "distinct"})
    public String deadlines;

    private ManualClock clock;
    private Loop loop;
    private long fired;
    private long steps;

    @Setup(Level.Trial)
    public void setUp() {
        clock = new ManualClock();
        loop = BenchLoops.simulated(clock);
        TimerWatcher.Callback<TimerWatcher> count = (w, events) -> fired++;
        boolean distinct = switch (deadlines) {
            case "equal" -> false;
            case "distinct" -> true;
            default -> throw new IllegalArgumentException("deadlines must be equal or distinct, got " + deadlines);
        };
        for (int i = 0; i < TIMERS; i++) {
            long offsetNs = distinct ? i / STEPS : 0;
            new TimerWatcher(loop, count).start((i % STEPS + 1) * STEP_NS - offsetNs, STEPS * STEP_NS);
        }
        loop.verify();                  // not at teardown: see TimerChurnBenchmark
    }

    @TearDown(Level.Iteration)
    public void checkEveryStepFiredItsShare() {
        if (fired != steps * PER_STEP) {
            throw new IllegalStateException(steps + " steps fired " + fired + " timers, not "
                    + steps * PER_STEP);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        loop.close();
    }

    /// One millisecond later: fire the 100 timers due then.
    @Benchmark
    @OperationsPerInvocation(PER_STEP)
    public void fireOneStep() {
        clock.advance(STEP_NS);
        loop.runNoWait();
        steps++;
    }
}
