package io.ev4j.examples.time;

import io.ev4j.core.Loop;
import io.ev4j.core.TimerWatcher;
import io.ev4j.examples.Example;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;

/// A repeating one-second timer that prints the wall-clock time and the loop time elapsed
/// since it started.
///
/// ```java
/// TimerWatcher t = TimeTest.start(loop, System.out, 3);   // three ticks, then it stops
/// loop.run();                                             // returns after the third tick
/// ```
///
/// With no count it ticks until the process is stopped (Ctrl-C). The elapsed time is read
/// from the loop's cached time. Tick `n` never comes before `n` seconds have passed (timers
/// never fire early), and ticks do not drift: a repeating timer is rescheduled from its
/// deadline, not from the moment its callback ran, so a late tick is followed by a shorter gap.
public final class TimeTest {
    private static final long INTERVAL_NS = Duration.ofSeconds(1).toNanos();

    private TimeTest() {
    }

    /// Starts the repeating timer on `loop`; it stops itself after `ticks` ticks (0: never).
    public static TimerWatcher start(Loop loop, PrintStream out, long ticks) {
        long startNs = loop.nowNs();
        long[] tickCount = {0};
        TimerWatcher timer = new TimerWatcher(loop, (w, events) -> {
            double elapsedSeconds = (loop.nowNs() - startNs) / 1e9;
            long tick = ++tickCount[0];
            out.printf("tick %d at %d: %.3f seconds elapsed%n",
                    tick, Instant.now().getEpochSecond(), elapsedSeconds);
            if (ticks > 0 && tick >= ticks) {
                w.stop();
            }
        });
        timer.start(INTERVAL_NS, INTERVAL_NS);
        return timer;
    }

    public static int run(Example example) {
        long ticks;
        try {
            ticks = Long.parseLong(example.arg(0, "0"));
            if (ticks < 0) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            System.err.println("time-test: not a tick count (0 or more): " + example.arg(0, ""));
            return 2;
        }
        try (Loop loop = example.newLoop()) {
            start(loop, System.out, ticks);
            loop.run();
        }
        return 0;
    }
}
