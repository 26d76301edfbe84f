package io.ev4j.core;

import io.ev4j.core.testutil.LoopFixture;
import io.ev4j.core.testutil.OpenFdCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// Periodic watchers against a manual wall clock (the monotonic clock plus an offset the test
/// moves to make jumps), and against the real clock on every backend, where native backends
/// wait on a kernel timer (a timerfd that [OpenFdCheck] checks is closed with its loop).
@Timeout(20)
@ExtendWith(OpenFdCheck.class)
class PeriodicWatcherTest {
    private static final long S = 1_000_000_000L;
    private final ManualClock clock = new ManualClock();
    private final FakeBackend backend = new FakeBackend(clock);
    /// Wall time = monotonic time + this; starts at 1,000 s after the epoch.
    private long wallOffsetNs = 1_000 * S;
    @RegisterExtension
    final LoopFixture loops = new LoopFixture();
    private final Loop loop = loops.track(Loop.builder().backend(backend).clock(clock)
            .wallClock(() -> clock.nanoTime() + wallOffsetNs).build());
    private final List<Long> firedAtS = new ArrayList<>();

    private long wallS() {
        return Math.floorDiv(clock.nanoTime() + wallOffsetNs, S);
    }

    /// Records the wall second of each firing and stops after `count`. The manual clocks move
    /// only as far as the loop asks to block, so an exact second here means "not early, not late".
    private PeriodicWatcher recorder(int count) {
        return new PeriodicWatcher(loop, (w, events) -> {
            assertEquals(Events.PERIODIC, events);
            firedAtS.add(Math.floorDiv(loop.wallNowNs(), S));
            if (firedAtS.size() == count) {
                w.stop();
            }
        });
    }

    @Test
    void anAbsoluteTimeFiresOnceAndNeverEarly() {
        PeriodicWatcher p = recorder(99);
        p.startAt(Instant.ofEpochSecond(1_005));
        assertEquals(1_005 * S, p.atNs());
        loop.run();
        assertEquals(List.of(1_005L), firedAtS);
        assertFalse(p.isActive());
    }

    @Test
    void anIntervalIsAlignedToItsOffset() {
        wallOffsetNs = 12 * S;
        recorder(3).startEvery(Duration.ofSeconds(10), Duration.ofSeconds(3));
        loop.run();
        assertEquals(List.of(13L, 23L, 33L), firedAtS);
    }

    @Test
    void aReschedulerGivesEachTime() {
        wallOffsetNs = 100 * S;
        long evenMinuteNs = 120 * S;
        recorder(2).start((w, nowNs) -> (nowNs / evenMinuteNs + 1) * evenMinuteNs);
        loop.run();
        assertEquals(List.of(120L, 240L), firedAtS);
    }

    @Test
    void aJumpForwardSkipsTheSlotsItJumpedOver() {
        wallOffsetNs = 5 * S;
        recorder(3).startEvery(Duration.ofSeconds(10), Duration.ZERO);
        new TimerWatcher(loop, (w, e) -> wallOffsetNs += 100 * S)      // the clock is set 100 s ahead at wall 11 s
                .start(Duration.ofSeconds(6), Duration.ZERO);
        loop.run();
        assertEquals(List.of(10L, 120L, 130L), firedAtS, "no burst for the ten slots jumped over");
    }

    @Test
    void aLongStallWithoutAJumpFiresOnceNotOncePerMissedSlot() {
        wallOffsetNs = 5 * S;
        recorder(2).startEvery(Duration.ofSeconds(10), Duration.ZERO);
        new TimerWatcher(loop, (w, e) -> clock.advance(95 * S))          // a callback holds the loop 95 s
                .start(Duration.ofSeconds(1), Duration.ZERO);
        loop.run();
        assertEquals(List.of(101L, 110L), firedAtS);
    }

    @Test
    void aJumpBackReschedulesInsteadOfWaitingTheLostHour() {
        wallOffsetNs = (10 * 3_600 + 3_000) * S;            // 10:50
        PeriodicWatcher p = recorder(1);
        p.startEvery(Duration.ofHours(1), Duration.ZERO);   // due at 11:00
        assertEquals(11 * 3_600 * S, p.atNs());
        new TimerWatcher(loop, (w, e) -> wallOffsetNs -= 3_600 * S).start(Duration.ofSeconds(1), Duration.ZERO);
        loop.run();
        assertEquals(List.of(10L * 3_600), firedAtS, "fires at 10:00 of the new time");
        assertTrue(clock.nanoTime() <= 602 * S, "waited " + clock.nanoTime() / S + " s, not an hour more");
    }

    @Test
    void aReschedulerThatReturnsThePastIsStoppedAndReported() {
        List<Throwable> errors = new ArrayList<>();
        loop.setErrorHandler((l, w, t) -> errors.add(t));
        PeriodicWatcher p = new PeriodicWatcher(loop, (w, e) -> firedAtS.add(wallS()));
        long[] calls = {0};
        p.start((w, nowNs) -> calls[0]++ == 0 ? nowNs + S : nowNs - 1);
        loop.run();
        assertEquals(List.of(1_001L), firedAtS, "the due firing still happens");
        assertFalse(p.isActive());
        assertEquals(1, errors.size());
        assertTrue(errors.get(0) instanceof IllegalStateException && errors.get(0).getMessage().contains("not later than now"),
                errors.get(0).toString());
    }

    @Test
    void badInputIsRefusedByName() {
        PeriodicWatcher p = recorder(1);
        assertThrows(IllegalArgumentException.class, () -> p.set(0, -1));
        assertThrows(IllegalArgumentException.class, () -> p.startEvery(Duration.ZERO, Duration.ZERO));
        assertThrows(NullPointerException.class, () -> p.start((PeriodicWatcher.Rescheduler) null));
        p.startAt(Instant.ofEpochSecond(2_000));
        assertThrows(IllegalStateException.class, () -> p.set(0, S));
        p.feed(Events.PERIODIC);
        p.stop();
        assertFalse(p.isPending(), "stop cancels a pending call");
        assertEquals(0, loop.pendingCount());
    }

    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void onTheRealClockItFiresOnceAndNotEarly(BackendKind kind) {
        Loop real = loops.open(kind);
        long targetNs = real.wallNowNs() + Duration.ofMillis(100).toNanos();
        long[] firedWallNs = {0};
        int[] count = {0};
        new PeriodicWatcher(real, (w, e) -> {
            count[0]++;
            firedWallNs[0] = System.currentTimeMillis() * 1_000_000L;
        }).startAt(Instant.ofEpochSecond(0, targetNs));
        real.run();
        assertEquals(1, count[0]);
        assertTrue(firedWallNs[0] >= targetNs, "fired " + (targetNs - firedWallNs[0]) + " ns early");
    }

    /// On the system wall clock a native loop makes its timerfd when the first periodic
    /// starts, watches it without counting it, and blocks in one poll until the kernel wakes
    /// it at the wall-clock time: no one-second cap. Elsewhere the waits are capped.
    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void aNativeLoopOnTheSystemClockWaitsOnAKernelTimerMadeOnFirstNeed(BackendKind kind) {
        Loop real = loops.open(kind);
        boolean kernelTimer = kind != BackendKind.NIO;
        assertEquals(-1, real.periodics.timerFd(), "no timerfd before a periodic needs one");
        long targetNs = real.wallNowNs() + Duration.ofMillis(1_200).toNanos();
        long[] firedWallNs = {0};
        PeriodicWatcher p = new PeriodicWatcher(real, (w, e) -> firedWallNs[0] = System.currentTimeMillis() * 1_000_000L);
        p.startAt(Instant.ofEpochSecond(0, targetNs));
        assertEquals(kernelTimer, real.periodics.timerFd() >= 0);
        assertEquals(kernelTimer, real.periodics.kernelTimerWatched());
        assertEquals(1, real.activeCount(), "only the periodic keeps the loop running, not its timerfd");
        long iterationsBefore = real.iteration();
        real.run();
        assertTrue(firedWallNs[0] >= targetNs, "fired " + (targetNs - firedWallNs[0]) + " ns early");
        long polls = real.iteration() - iterationsBefore;
        if (kernelTimer) {
            assertEquals(1, polls, "one poll, ended by the kernel timer");
        } else {
            assertTrue(polls >= 2, "waits capped at a second: " + polls + " polls");
        }
        assertFalse(real.periodics.kernelTimerWatched(), "let go of with the last periodic");
        assertEquals(kernelTimer, real.periodics.timerFd() >= 0, "kept open for the next periodic");
        p.startAt(Instant.ofEpochSecond(0, targetNs + Duration.ofHours(1).toNanos()));
        assertEquals(kernelTimer, real.periodics.kernelTimerWatched(), "watched again");
        p.stop();
        assertFalse(real.periodics.kernelTimerWatched());
        real.close();
        assertEquals(-1, real.periodics.timerFd(), "closed with the loop");
    }

    /// A rescheduler that throws at start leaves nothing behind: not the kernel timer's
    /// watcher, nor a count that would let the loop end with a periodic still active.
    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void aReschedulerThatThrowsAtStartChangesNothing(BackendKind kind) {
        Loop real = loops.open(kind);
        PeriodicWatcher bad = new PeriodicWatcher(real, (w, e) -> { });
        IllegalStateException thrown = new IllegalStateException("no next time");
        assertSame(thrown, assertThrows(IllegalStateException.class, () -> bad.start((w, nowNs) -> {
            throw thrown;
        })));
        assertFalse(bad.isActive());
        assertFalse(real.periodics.kernelTimerWatched());
        assertEquals(0, real.activeCount());
        PeriodicWatcher good = new PeriodicWatcher(real, (w, e) -> { });
        good.startEvery(Duration.ofHours(1), Duration.ZERO);
        assertEquals(1, real.activeCount(), "the good periodic keeps the loop running");
        assertTrue(real.verify());
        good.stop();
    }

    @Test
    void aNativeLoopWithAnInjectedWallClockMakesNoTimerfd() {
        BackendKind kind = BackendKind.EPOLL.isAvailable() ? BackendKind.EPOLL : BackendKind.NIO;
        Loop injected = loops.track(Loop.builder().backend(kind).wallClock(() -> System.currentTimeMillis() * 1_000_000L).build());
        PeriodicWatcher p = new PeriodicWatcher(injected, (w, e) -> { });
        p.startEvery(Duration.ofHours(1), Duration.ZERO);
        assertEquals(-1, injected.periodics.timerFd(), "the kernel cannot know an injected clock");
        assertFalse(injected.periodics.kernelTimerWatched());
        p.stop();
    }

    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void onTheRealClockAnIntervalFiresInEachSlotAndNeverEarly(BackendKind kind) {
        Loop real = loops.open(kind);
        long intervalNs = Duration.ofMillis(40).toNanos();
        List<Long> firedWallNs = new ArrayList<>();
        PeriodicWatcher p = new PeriodicWatcher(real, (w, e) -> {
            firedWallNs.add(System.currentTimeMillis() * 1_000_000L);
            if (firedWallNs.size() == 3) {
                w.stop();
            }
        });
        p.startEvery(Duration.ofNanos(intervalNs), Duration.ZERO);
        long firstSlotNs = p.atNs();
        real.run();
        assertEquals(3, firedWallNs.size());
        for (int i = 0; i < 3; i++) {
            long slotNs = firstSlotNs + i * intervalNs;
            assertTrue(firedWallNs.get(i) >= slotNs, "firing " + i + " came " + (slotNs - firedWallNs.get(i)) + " ns early");
        }
    }
}
