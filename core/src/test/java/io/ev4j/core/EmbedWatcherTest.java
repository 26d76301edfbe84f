package io.ev4j.core;

import io.ev4j.core.sys.linux.Syscalls;
import io.ev4j.core.testutil.LoopFixture;
import io.ev4j.core.testutil.OpenFdCheck;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/// An epoll loop run inside every fd-watching loop: inner io, inner timers, a callback of the
/// user's, and every refusal.
@Timeout(20)
@ExtendWith(OpenFdCheck.class)
class EmbedWatcherTest {
    @RegisterExtension
    final LoopFixture loops = new LoopFixture();
    private final Syscalls sys = new Syscalls();
    private final int[] pipe = {-1, -1};

    static Stream<BackendKind> outerBackends() {
        assumeTrue(BackendKind.EPOLL.isAvailable(), "needs an embeddable backend");
        return LoopFixture.fdBackends();
    }

    private Loop open(BackendKind kind) {
        return loops.open(kind);
    }

    /// Runs before [LoopFixture] checks and closes the loops.
    @AfterEach
    void closeThePipe() {
        for (int fd : pipe) {
            if (fd >= 0) {
                sys.close(fd);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("outerBackends")
    void innerIoIsSweptWhenTheOuterLoopRuns(BackendKind outerKind) {
        Loop outer = open(outerKind);
        Loop inner = open(BackendKind.EPOLL);
        assertEquals(0, sys.pipe2(pipe));
        EmbedWatcher embed = new EmbedWatcher(outer, inner, null);
        List<String> got = new ArrayList<>();
        new IoWatcher(inner, IoSource.fd(pipe[0]), Events.READ, (w, e) -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buf = arena.allocate(16);
                got.add("read " + sys.read(pipe[0], buf.address(), 16));
            }
            w.stop();
            embed.stop();
        }).start();
        embed.start();
        assertTrue(embed.isActive());
        new TimerWatcher(outer, (w, e) -> {                   // writes once the outer loop blocks
            try (Arena arena = Arena.ofConfined()) {
                sys.write(pipe[1], arena.allocate(3).address(), 3);
            }
        }).start(Duration.ofMillis(20), Duration.ZERO);
        outer.run();
        assertEquals(List.of("read 3"), got);
        assertFalse(embed.isActive());
    }

    @ParameterizedTest
    @MethodSource("outerBackends")
    void innerTimersWakeTheOuterLoopAndNeverFireEarly(BackendKind outerKind) throws InterruptedException {
        Loop outer = open(outerKind);
        Loop inner = open(BackendKind.EPOLL);
        EmbedWatcher embed = new EmbedWatcher(outer, inner, null);
        inner.runNoWait();                                    // the inner loop reads its time here
        Thread.sleep(Duration.ofMillis(20));                  // not to wait for anything: it is now stale
        long startNs = System.nanoTime();
        long[] firedAfterNs = {-1};
        new TimerWatcher(inner, (w, e) -> {
            firedAfterNs[0] = System.nanoTime() - startNs;
            embed.stop();
        }).start(Duration.ofMillis(40), Duration.ZERO);
        embed.start();
        outer.run();                                          // only the embed keeps it going
        assertTrue(firedAfterNs[0] >= Duration.ofMillis(40).toNanos(), "fired after " + firedAfterNs[0] + " ns");
    }

    /// The inner loop does not block itself, so the outer one must wake for its periodics: on
    /// the kernel timer the inner loop arms for them, or at the inner loop's capped waits.
    @ParameterizedTest
    @MethodSource("outerBackends")
    void innerPeriodicsWakeTheOuterLoopAndNeverFireEarly(BackendKind outerKind) {
        Loop outer = open(outerKind);
        WallClock injected = () -> System.currentTimeMillis() * 1_000_000L;
        for (Loop inner : List.of(open(BackendKind.EPOLL), loops.track(Loop.builder().backend(BackendKind.EPOLL)
                .wallClock(injected).build()))) {
            EmbedWatcher embed = new EmbedWatcher(outer, inner, null);
            TimerWatcher guard = new TimerWatcher(outer, (w, e) -> outer.breakLoop(Loop.Break.ALL));
            long targetNs = inner.wallNowNs() + Duration.ofMillis(60).toNanos();
            long[] firedWallNs = {-1};
            new PeriodicWatcher(inner, (w, e) -> {
                firedWallNs[0] = System.currentTimeMillis() * 1_000_000L;
                embed.stop();
                guard.stop();
            }).startAt(Instant.ofEpochSecond(0, targetNs));
            embed.start();
            guard.start(Duration.ofSeconds(5), Duration.ZERO);
            outer.run();
            guard.stop();
            embed.stop();
            assertTrue(firedWallNs[0] >= 0, "the inner periodic never ran");
            assertTrue(firedWallNs[0] >= targetNs, "fired " + (targetNs - firedWallNs[0]) + " ns early");
        }
    }

    @Test
    void aCallbackOfTheUsersGetsEmbedEventsAndSweepsItself() {
        assumeTrue(BackendKind.EPOLL.isAvailable());
        Loop outer = open(BackendKind.EPOLL);
        Loop inner = open(BackendKind.EPOLL);
        List<String> got = new ArrayList<>();
        EmbedWatcher embed = new EmbedWatcher(outer, inner, (w, events) -> {
            got.add(Events.toString(events));
            w.sweep();
        });
        new IdleWatcher(inner, (w, e) -> {
            got.add("inner idle");
            w.stop();
        }).start();
        embed.start();
        outer.runNoWait();
        embed.stop();
        assertEquals(List.of("EMBED", "inner idle"), got);
    }

    @Test
    void refusalsNameTheMistake() {
        assumeTrue(BackendKind.EPOLL.isAvailable());
        Loop epoll = open(BackendKind.EPOLL);
        Loop nio = open(BackendKind.NIO);
        Loop other = open(BackendKind.EPOLL);
        assertTrue(epoll.isEmbeddable());
        assertFalse(nio.isEmbeddable());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new EmbedWatcher(epoll, epoll, null))
                .getMessage().contains("itself"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new EmbedWatcher(epoll, nio, null))
                .getMessage().contains("nio backend cannot be embedded"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new EmbedWatcher(nio, epoll, null))
                .getMessage().contains("cannot embed"));
        if (BackendKind.POLL.isAvailable()) {
            Loop poll = open(BackendKind.POLL);
            assertFalse(poll.isEmbeddable());
            assertThrows(IllegalArgumentException.class, () -> new EmbedWatcher(epoll, poll, null));
        }
        EmbedWatcher first = new EmbedWatcher(epoll, other, null);
        first.start();
        Loop third = open(BackendKind.EPOLL);
        EmbedWatcher second = new EmbedWatcher(third, other, null);
        assertTrue(assertThrows(IllegalStateException.class, second::start).getMessage().contains("embedded already"));
        assertTrue(assertThrows(IllegalStateException.class, other::close).getMessage().contains("stop that embed watcher"));
        first.stop();
        other.close();
        assertThrows(IllegalStateException.class, () -> new EmbedWatcher(epoll, other, null));
        assertTrue(epoll.verify());
    }
}
