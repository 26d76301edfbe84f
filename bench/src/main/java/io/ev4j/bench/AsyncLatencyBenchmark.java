package io.ev4j.bench;

import io.ev4j.core.AsyncWatcher;
import io.ev4j.core.Loop;
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

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

/// Round-trip latency of [AsyncWatcher#send()] from another thread to a loop waiting in its
/// poll, and back.
///
/// A loop runs `run()` on its own thread with one active async watcher and nothing else, so
/// it waits in its poll with no timeout. Each operation: the benchmark thread calls `send()`
/// and spins until the watcher's callback, on the loop thread, has incremented a volatile
/// counter. That covers the send flag, the loop's wake-up request, the backend's wake-up, the
/// loop thread waking, the poll returning, the async being queued and its callback run, and
/// the benchmark thread seeing the counter.
///
/// Two methods:
/// - `roundTrip`: sends back to back, each as soon as the previous callback ran. The loop is
///   often still finishing its iteration when the next send comes, sees the wake-up request
///   and does not block at all, so this is the latency of a loop kept busy by sends.
/// - `roundTripFromPoll`: before each send (outside the timed part) waits until the loop has
///   entered its poll (its release hook ran) and then 20 µs more, so that the loop is really
///   blocked: every operation pays a full wake-up of a sleeping thread.
///
/// `backend`:
/// - `bench`: the in-bench backend, whose poll parks the loop thread and whose wake-up
///   unparks it (a futex wake, the same kind of system call an eventfd write is);
/// - `epoll`, `nio`: the real backends. Where one is not available (not built yet, not this
///   OS), its parameter set fails at setup with a message starting `SKIPPED:` and the others
///   still run; add `-p backend=bench` to leave them out.
///
/// How to read it: a distribution of µs per round trip (SampleTime: look at p0.50 and p0.99
/// more than the mean). On a 2-core machine both threads need a core of their own; any other
/// load shows up directly as latency. Under `-prof gc`, SampleTime itself allocates a few
/// B/op at the end of each iteration (JMH boxes the samples to summarize them). What the loop
/// thread itself allocated is printed at the end of each trial (`loop thread allocated ...`):
/// it should be 0 bytes however many round trips ran.
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = BenchLoops.NATIVE_ACCESS)
@State(Scope.Benchmark)
public class AsyncLatencyBenchmark {
    /// The longest a round trip may take before the run is declared broken.
    private static final long STUCK_NS = TimeUnit.SECONDS.toNanos(10);
    /// How long `roundTripFromPoll` lets the loop settle in its poll before sending.
    private static final long SETTLE_NS = TimeUnit.MICROSECONDS.toNanos(20);

    /// `bench` (the in-bench backend), `epoll` or `nio`.
    @Param({"bench", "epoll", "poll", "nio"})
    public String backend;

    private Loop loop;
    private AsyncWatcher async;
    private Thread loopThread;
    private volatile Throwable loopFailure;
    /// Written by the loop thread only.
    private volatile long received;
    /// True from the loop's release hook (just before its poll) to its acquire hook (just after).
    private volatile boolean inPoll;
    /// Benchmark thread only.
    private long sent;
    /// The loop thread's allocation counter when the trial started, or -1 if not readable.
    private long loopThreadBytesAtStart = -1;

    @Setup(Level.Trial)
    public void setUp() {
        loop = BenchLoops.open(backend);
        async = new AsyncWatcher(loop, (w, events) -> received = received + 1);
        async.start();
        loop.setReleaseAcquireHooks(() -> inPoll = true, () -> inPoll = false);
        loopThread = new Thread(this::runLoop, "bench-loop-" + backend);
        loopThread.setDaemon(true);
        loopThread.start();
        loopThreadBytesAtStart = allocatedBytes(loopThread);
    }

    /// Bytes `thread` has allocated so far, or -1 where the JVM does not count them.
    private static long allocatedBytes(Thread thread) {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean counting
                && counting.isThreadAllocatedMemorySupported() && counting.isThreadAllocatedMemoryEnabled()) {
            return counting.getThreadAllocatedBytes(thread.threadId());
        }
        return -1;
    }

    private void runLoop() {
        try {
            loop.run();
        } catch (Throwable t) {
            loopFailure = t;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        long loopThreadBytes = allocatedBytes(loopThread);
        if (loopThreadBytesAtStart >= 0 && loopThreadBytes >= 0) {
            System.out.println("loop thread allocated " + (loopThreadBytes - loopThreadBytesAtStart)
                    + " bytes in " + sent + " round trips (warmup included)");
        }
        loop.execute(() -> loop.breakLoop(Loop.Break.ALL));
        loopThread.join(TimeUnit.SECONDS.toMillis(10));
        if (loopThread.isAlive()) {
            throw new IllegalStateException("the loop thread did not stop");
        }
        loop.close();
        if (loopFailure != null) {
            throw new IllegalStateException("the loop thread failed", loopFailure);
        }
    }

    /// Before each `roundTripFromPoll` operation, untimed: waits until the loop is blocked.
    @State(Scope.Thread)
    public static class LoopBlocked {
        @Setup(Level.Invocation)
        public void waitUntilTheLoopBlocks(AsyncLatencyBenchmark b) {
            long giveUpAt = System.nanoTime() + STUCK_NS;
            while (!b.inPoll) {
                Thread.onSpinWait();
                if (System.nanoTime() - giveUpAt > 0 || b.loopFailure != null) {
                    throw new IllegalStateException("the loop did not go back to its poll within 10 s",
                            b.loopFailure);
                }
            }
            long settled = System.nanoTime() + SETTLE_NS;
            while (System.nanoTime() - settled < 0) {
                Thread.onSpinWait();
            }
        }
    }

    /// Send, and wait for the callback to have run; back to back.
    @Benchmark
    public long roundTrip() {
        return sendAndAwait();
    }

    /// Send to a loop blocked in its poll, and wait for the callback to have run.
    @Benchmark
    public long roundTripFromPoll(LoopBlocked blocked) {
        return sendAndAwait();
    }

    private long sendAndAwait() {
        long target = ++sent;
        async.send();
        int spins = 0;
        long giveUpAt = 0;
        while (received < target) {
            Thread.onSpinWait();
            if ((++spins & 0xFFFFF) == 0) {
                // Off the fast path: after about a million spins, start watching the time.
                long now = System.nanoTime();
                if (giveUpAt == 0) {
                    giveUpAt = now + STUCK_NS;
                } else if (now - giveUpAt > 0 || loopFailure != null) {
                    throw new IllegalStateException("no callback for send #" + target
                            + " within 10 s", loopFailure);
                }
            }
        }
        return target;
    }
}
