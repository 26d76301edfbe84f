package io.ev4j.core;

import io.ev4j.core.testutil.LoopFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// Timer semantics on simulated time.
@Timeout(10)
class TimerTest {
    private final ManualClock clock = new ManualClock();
    @RegisterExtension
    final LoopFixture loops = new LoopFixture();
    private final Loop loop = loops.track(Loop.builder().backend(new FakeBackend(clock)).clock(clock).build());

    private static long ms(long n) {
        return MILLISECONDS.toNanos(n);
    }

    @Test
    void oneShotFiresOnceAtItsDeadlineAndNotBefore() {
        int[] calls = new int[1];
        TimerWatcher t = new TimerWatcher(loop, (w, e) -> {
            assertEquals(Events.TIMER, e);
            calls[0]++;
        });
        t.start(ms(50), 0);
        clock.advance(ms(49));
        loop.runNoWait();
        assertEquals(0, calls[0]);
        assertTrue(t.isActive());
        clock.advance(ms(1));
        loop.runNoWait();
        assertEquals(1, calls[0]);
        assertFalse(t.isActive(), "a one-shot timer is stopped once it fired");
        clock.advance(ms(100));
        loop.runNoWait();
        assertEquals(1, calls[0]);
    }

    @Test
    void runBlocksUntilTheTimerAndThenReturns() {
        List<Long> firedAt = new ArrayList<>();
        new TimerWatcher(loop, (w, e) -> firedAt.add(loop.nowNs())).start(ms(30), 0);
        assertFalse(loop.run(), "no active watcher remains");
        assertEquals(List.of(ms(30)), firedAt);
    }

    @Test
    void repeatingTimerKeepsItsCadence() {
        List<Long> firedAt = new ArrayList<>();
        new TimerWatcher(loop, (w, e) -> {
            firedAt.add(loop.nowNs());
            if (firedAt.size() == 4) {
                w.stop();
            }
        }).start(ms(10), ms(20));
        loop.run();
        assertEquals(List.of(ms(10), ms(30), ms(50), ms(70)), firedAt);
    }

    @Test
    void anOverdueRepeatingTimerFiresOncePerIterationAndDoesNotBurst() {
        int[] calls = new int[1];
        TimerWatcher t = new TimerWatcher(loop, (w, e) -> calls[0]++);
        t.start(ms(10), ms(10));
        clock.advance(ms(95));
        loop.runNoWait();
        assertEquals(1, calls[0], "nine missed periods make one call");
        assertEquals(0, t.remainingNs(), "rescheduled at the current loop time");
        clock.advance(1);
        loop.runNoWait();
        assertEquals(2, calls[0]);
        assertEquals(ms(10) - 1, t.remainingNs(), "then back to its cadence: one interval after the late deadline");
        t.stop();
    }

    @Test
    void equalDeadlinesFireInStartOrder() {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int id = i;
            new TimerWatcher(loop, (w, e) -> order.add(id)).start(ms(5), 0);
        }
        loop.run();
        assertEquals(20, order.size());
        for (int i = 0; i < 20; i++) {
            assertEquals(i, order.get(i));
        }
    }

    @Test
    void timersFireInDeadlineOrder() {
        List<Long> order = new ArrayList<>();
        long[] delays = {70, 10, 50, 30, 20, 60, 40};
        for (long d : delays) {
            new TimerWatcher(loop, (w, e) -> order.add(d)).start(ms(d), 0);
        }
        loop.run();
        assertEquals(List.of(10L, 20L, 30L, 40L, 50L, 60L, 70L), order);
    }

    @Test
    void againPushesTheDeadlineBackAndStopsWithoutRepeat() {
        int[] calls = new int[1];
        TimerWatcher t = new TimerWatcher(loop, (w, e) -> calls[0]++);
        t.set(0, ms(100));
        t.again();
        assertTrue(t.isActive(), "again() starts a stopped repeating timer");
        assertEquals(ms(100), t.remainingNs());
        clock.advance(ms(60));
        loop.runNoWait();
        t.again();
        assertEquals(ms(100), t.remainingNs(), "counted from now");
        clock.advance(ms(60));
        loop.runNoWait();
        assertEquals(0, calls[0]);
        t.setRepeatNs(0);
        t.again();
        assertFalse(t.isActive(), "again() stops an active timer without repeat");
    }

    @Test
    void remainingOfAStoppedTimerIsItsDelay() {
        TimerWatcher t = new TimerWatcher(loop, (w, e) -> { });
        t.set(ms(7), 0);
        assertEquals(ms(7), t.remainingNs());
    }

    @Test
    void stopCancelsAPendingCall() {
        int[] calls = new int[1];
        TimerWatcher a = new TimerWatcher(loop, (w, e) -> calls[0]++);
        TimerWatcher b = new TimerWatcher(loop, (w, e) -> a.stop());
        b.start(ms(1), 0);
        a.start(ms(1), 0);       // same deadline, queued after b
        loop.run();
        assertEquals(0, calls[0]);
        assertFalse(a.isPending());
    }

    @Test
    void aOneShotTimerMayRestartItselfFromItsCallback() {
        int[] calls = new int[1];
        new TimerWatcher(loop, (w, e) -> {
            if (++calls[0] < 3) {
                w.start(ms(5), 0);
            }
        }).start(ms(5), 0);
        loop.run();
        assertEquals(3, calls[0]);
        assertEquals(ms(15), loop.nowNs());
    }

    @Test
    void suspendedTimeDoesNotCountForTimers() {
        TimerWatcher t = new TimerWatcher(loop, (w, e) -> { });
        t.start(ms(100), 0);
        clock.advance(ms(40));
        loop.suspend();
        clock.advance(ms(1000));
        loop.resume();
        loop.runNoWait();
        assertTrue(t.isActive());
        assertEquals(ms(60), t.remainingNs());
        t.stop();
        assertThrows(IllegalStateException.class, loop::resume);
    }

    @Test
    void badArgumentsAndStatesAreRefusedByName() {
        TimerWatcher t = new TimerWatcher(loop, (w, e) -> { });
        assertTrue(assertThrows(IllegalArgumentException.class, () -> t.start(-1, 0))
                .getMessage().contains("delay"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> t.start(0, -5))
                .getMessage().contains("repeat"));
        t.start(ms(1), 0);
        t.start();                          // active: a no-op
        assertTrue(assertThrows(IllegalStateException.class, () -> t.set(1, 1))
                .getMessage().contains("stop()"));
        t.stop();
        t.stop();                           // stopped: a no-op
        assertFalse(t.isActive());
    }

    @Test
    void timeoutCollectIntervalMakesTheLoopWaitAtLeastThatLong() {
        loop.setTimeoutCollectIntervalNs(ms(10));
        List<Long> firedAt = new ArrayList<>();
        new TimerWatcher(loop, (w, e) -> firedAt.add(loop.nowNs())).start(ms(1), 0);
        new TimerWatcher(loop, (w, e) -> firedAt.add(loop.nowNs())).start(ms(8), 0);
        loop.run();
        assertEquals(List.of(ms(10), ms(10)), firedAt, "both timers collected in one wake-up");
    }

    /// The loop has not iterated for a second: a delay counted from its cached time would
    /// have ended long ago.
    @Test
    void aTimerStartedOutsideARunCountsFromTheCallNotFromTheLastIteration() {
        int[] calls = new int[1];
        loop.runNoWait();
        clock.advance(ms(1000));
        TimerWatcher t = new TimerWatcher(loop, (w, e) -> calls[0]++);
        t.start(ms(40), 0);
        assertEquals(ms(40), t.remainingNs());
        clock.advance(ms(39));
        loop.runNoWait();
        assertEquals(0, calls[0], "fired early");
        clock.advance(ms(1));
        loop.runNoWait();
        assertEquals(1, calls[0]);
        t.set(0, ms(50));
        clock.advance(ms(500));
        t.again();
        assertEquals(ms(50), t.remainingNs(), "again() between runs counts from the call too");
        t.stop();
    }

    /// Inside a run the batch's time stands: a callback that computes for 10 ms and then starts
    /// a 40 ms timer sees it fire 30 ms after the call, unless it updates the time first.
    @Test
    void aTimerStartedInACallbackCountsFromTheBatchTimeUnlessUpdated() {
        List<Long> firedAt = new ArrayList<>();
        TimerWatcher plain = new TimerWatcher(loop, (w, e) -> firedAt.add(loop.nowNs()));
        TimerWatcher updated = new TimerWatcher(loop, (w, e) -> firedAt.add(loop.nowNs()));
        new TimerWatcher(loop, (w, e) -> {
            clock.advance(ms(10));
            plain.start(ms(40), 0);
            loop.updateNow();
            updated.start(ms(40), 0);
        }).start(ms(5), 0);
        loop.run();
        assertEquals(List.of(ms(45), ms(55)), firedAt);
    }

    @Test
    void aTimerStartedWhileSuspendedCountsFromTheResume() {
        loop.suspend();
        clock.advance(ms(300));
        TimerWatcher t = new TimerWatcher(loop, (w, e) -> { });
        t.start(ms(100), 0);
        clock.advance(ms(700));
        loop.resume();
        assertEquals(ms(100), t.remainingNs());
        t.stop();
    }
}
