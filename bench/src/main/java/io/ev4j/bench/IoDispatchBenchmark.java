package io.ev4j.bench;

import io.ev4j.core.Events;
import io.ev4j.core.IoSource;
import io.ev4j.core.IoWatcher;
import io.ev4j.core.Loop;
import io.ev4j.core.backend.Backend;
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

/// What the loop costs per io event it dispatches, with no system call in the way.
///
/// The in-bench backend watches fds (`watchesFds() == true`) and, on every poll, reports the
/// first K fds readable, as a kernel would while K sockets have unread data. K io watchers are
/// started for [Events#READ] on `IoSource.fd(0)` .. `IoSource.fd(K-1)` (nothing is opened; the
/// backend only records the interest); each callback increments a counter. Each invocation is
/// one `runNoWait()`: an iteration that polls without blocking, reads the clock
/// (`System.nanoTime`, no system call), queues the K watchers and runs their callbacks.
///
/// Three sizes, one method each so that each can count its own K operations:
/// `dispatch_1` (the fixed cost of an iteration shows), `dispatch_64`, `dispatch_1024`.
///
/// With `-jvmArgsAppend -Dev4j.bench.slowCallbackReport=true` the loop times every callback
/// for a slow-callback report (a threshold no callback reaches), to show what that costs; off
/// by default, as in a loop nobody asked to time.
///
/// How to read it: ns per dispatched event; the gap between `dispatch_1` and the others is
/// the per-iteration overhead spread over more events. `-prof gc` should show about 0 B/op.
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = BenchLoops.NATIVE_ACCESS)
public class IoDispatchBenchmark {

    /// A loop with `k` ready io watchers.
    abstract static class Ready {
        Loop loop;
        private long dispatched;
        private long iterations;

        abstract int k();

        void open() {
            BenchBackend backend = new BenchBackend();
            loop = Loop.builder().backend(backend).build();
            if (Boolean.getBoolean("ev4j.bench.slowCallbackReport")) {
                loop.setSlowCallbackReport(Long.MAX_VALUE, (l, w, kind, ns) -> { });
            }
            IoWatcher.Callback<IoWatcher> count = (w, events) -> dispatched++;
            for (int fd = 0; fd < k(); fd++) {
                new IoWatcher(loop, IoSource.fd(fd), Events.READ, count).start();
            }
            loop.runNoWait();                   // registers the interest with the backend
            backend.setReady(k(), Backend.READ);
            dispatched = 0;
            loop.verify();              // not at teardown: see TimerChurnBenchmark
        }

        void runOnce() {
            loop.runNoWait();
            iterations++;
        }

        void check() {
            if (dispatched != iterations * k()) {
                throw new IllegalStateException(iterations + " iterations dispatched " + dispatched
                        + " events, not " + iterations * k());
            }
        }

        void close() {
            loop.close();
        }
    }

    @State(Scope.Thread)
    public static class Ready1 extends Ready {
        @Override
        int k() {
            return 1;
        }

        @Setup(Level.Trial)
        public void setUp() {
            open();
        }

        @TearDown(Level.Iteration)
        public void checkIteration() {
            check();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            close();
        }
    }

    @State(Scope.Thread)
    public static class Ready64 extends Ready {
        @Override
        int k() {
            return 64;
        }

        @Setup(Level.Trial)
        public void setUp() {
            open();
        }

        @TearDown(Level.Iteration)
        public void checkIteration() {
            check();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            close();
        }
    }

    @State(Scope.Thread)
    public static class Ready1024 extends Ready {
        @Override
        int k() {
            return 1024;
        }

        @Setup(Level.Trial)
        public void setUp() {
            open();
        }

        @TearDown(Level.Iteration)
        public void checkIteration() {
            check();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(1)
    public void dispatch_1(Ready1 s) {
        s.runOnce();
    }

    @Benchmark
    @OperationsPerInvocation(64)
    public void dispatch_64(Ready64 s) {
        s.runOnce();
    }

    @Benchmark
    @OperationsPerInvocation(1024)
    public void dispatch_1024(Ready1024 s) {
        s.runOnce();
    }
}
