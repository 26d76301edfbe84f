package io.ev4j.core;

import io.ev4j.core.testutil.LoopFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// Loop metrics and the slow-callback report: exact counts on a fake backend with a manual
/// clock, and blocked time and a real slow callback on every real backend.
@Timeout(20)
class LoopMetricsTest {
    private final ManualClock clock = new ManualClock();
    private final FakeBackend backend = new FakeBackend(clock);
    @RegisterExtension
    final LoopFixture loops = new LoopFixture();

    private Loop fakeLoop() {
        return loops.track(Loop.builder().backend(backend).clock(clock).build());
    }

    @Test
    void countsIterationsEventsCallbacksTasksAndBlockedTimeExactly() {
        Loop loop = fakeLoop();
        IoWatcher io = new IoWatcher(loop, IoSource.fd(5), Events.READ, (w, e) -> { });
        io.start();
        backend.readyNow.put(5, Events.READ);
        loop.runNoWait();                                     // 1 event, 1 callback, no blocking
        loop.runNoWait();                                     // again
        backend.readyNow.clear();
        io.stop();
        TimerWatcher timer = new TimerWatcher(loop, (w, e) -> { });
        timer.start(Duration.ofMillis(30), Duration.ZERO);
        loop.execute(() -> { });
        loop.run();                                           // a task, then blocks 30 ms for the timer

        LoopMetrics m = loop.metrics();
        assertEquals(loop.iteration(), m.iterations());
        assertEquals(2, m.eventsReceived());
        assertEquals(3, m.callbacksRun(), "two io callbacks and the timer");
        assertEquals(1, m.tasksRun());
        assertEquals(Duration.ofMillis(30).toNanos(), m.blockedNs(), "only the poll that could block counts");
        assertEquals(0, m.longestCallbackNs(), "callbacks are not timed while the report is off");
        assertNull(m.longestCallbackKind());
        assertEquals(0, m.slowCallbacks());
    }

    @Test
    void resetStartsTheCountsAgainButNotTheIterationNumber() {
        Loop loop = fakeLoop();
        loop.feedEvent(new IdleWatcher(loop, (w, e) -> { }), Events.IDLE);
        loop.runNoWait();
        long iteration = loop.iteration();
        loop.resetMetrics();
        assertEquals(new LoopMetrics(0, 0, 0, 0, 0, 0, null, 0), loop.metrics());
        loop.runNoWait();
        assertEquals(iteration + 1, loop.iteration());
        assertEquals(1, loop.metrics().iterations());
    }

    @Test
    void aSlowCallbackIsReportedWithItsKindAndDurationAndFastOnesAreNot() {
        Loop loop = fakeLoop();
        List<String> reports = new ArrayList<>();
        loop.setSlowCallbackReport(Duration.ofMillis(20).toNanos(),
                (l, w, kind, ns) -> reports.add(kind + " " + ns + " " + (w != null)));
        TimerWatcher slow = new TimerWatcher(loop, (w, e) -> clock.advance(Duration.ofMillis(25).toNanos()));
        TimerWatcher fast = new TimerWatcher(loop, (w, e) -> clock.advance(Duration.ofMillis(5).toNanos()));
        slow.start(Duration.ofMillis(1), Duration.ZERO);
        fast.start(Duration.ofMillis(1), Duration.ZERO);
        loop.execute(() -> clock.advance(Duration.ofMillis(40).toNanos()));
        loop.run();

        assertEquals(List.of("task 40000000 false", "timer 25000000 true"), reports, "the task runs in the first pass, the timers after");
        LoopMetrics m = loop.metrics();
        assertEquals(2, m.slowCallbacks());
        assertEquals(40_000_000, m.longestCallbackNs());
        assertEquals("task", m.longestCallbackKind());
    }

    @Test
    void whatTheListenerThrowsGoesToTheErrorHandlerAndTheLoopGoesOn() {
        Loop loop = fakeLoop();
        RuntimeException boom = new IllegalStateException("listener failed");
        List<Throwable> errors = new ArrayList<>();
        loop.setErrorHandler((l, w, t) -> errors.add(t));
        loop.setSlowCallbackReport(0, (l, w, kind, ns) -> {
            throw boom;
        });
        int[] ran = {0};
        TimerWatcher t = new TimerWatcher(loop, (w, e) -> ran[0]++);
        t.start(Duration.ofMillis(1), Duration.ofMillis(1));
        loop.runOnce();
        loop.runOnce();
        t.stop();
        assertEquals(2, ran[0]);
        assertEquals(2, errors.size());
        assertSame(boom, errors.get(0));
    }

    @Test
    void clearingTheReportStopsTimingButKeepsTheLongestSeen() {
        Loop loop = Loop.builder().backend(backend).clock(clock)
                .slowCallbackReport(Duration.ofNanos(Long.MAX_VALUE), (l, w, k, ns) -> { throw new AssertionError(); })
                .build();
        loops.track(loop);
        loop.execute(() -> clock.advance(7));
        loop.runNoWait();
        assertEquals(7, loop.metrics().longestCallbackNs(), "MAX_VALUE tracks the longest without reporting");
        loop.clearSlowCallbackReport();
        loop.execute(() -> clock.advance(100));
        loop.runNoWait();
        assertEquals(7, loop.metrics().longestCallbackNs());
        assertThrows(IllegalArgumentException.class, () -> loop.setSlowCallbackReport(-1, null));
    }

    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void onARealBackendBlockedTimeCoversTheTimerAndASpinningCallbackIsCaught(BackendKind kind) {
        Loop loop = loops.open(kind);
        List<String> kinds = new ArrayList<>();
        loop.setSlowCallbackReport(Duration.ofMillis(20).toNanos(), (l, w, k, ns) -> kinds.add(k));
        long delayNs = Duration.ofMillis(50).toNanos();
        new TimerWatcher(loop, (w, e) -> {
            long untilNs = System.nanoTime() + Duration.ofMillis(40).toNanos();
            while (System.nanoTime() < untilNs) {
                Thread.onSpinWait();                          // holds the loop thread, as a slow callback does
            }
        }).start(delayNs, 0);
        new IdleWatcher(loop, (w, e) -> w.stop()).start();   // a fast callback: not reported
        loop.run();

        LoopMetrics m = loop.metrics();
        assertEquals(List.of("timer"), kinds);
        assertTrue(m.longestCallbackNs() >= Duration.ofMillis(40).toNanos(), m.toString());
        assertTrue(m.blockedNs() >= delayNs - Duration.ofMillis(15).toNanos(),
                "blocked " + m.blockedNs() + " ns waiting for a " + delayNs + " ns timer");
        assertTrue(m.iterations() >= 2 && m.callbacksRun() == 2, m.toString());
    }
}
