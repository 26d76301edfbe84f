package io.ev4j.core;

import io.ev4j.core.testutil.LoopFixture;
import io.ev4j.core.testutil.OpenFdCheck;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.channels.Pipe;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// The contract every backend keeps, run once per backend available on this machine: real
/// sockets on loopback, the real clock, real cross-thread wake-ups. [OpenFdCheck] fails any
/// test that leaves a descriptor open once its loop is closed.
@Timeout(20)
@ExtendWith(OpenFdCheck.class)
class BackendContractTest {
    @RegisterExtension
    final LoopFixture loops = new LoopFixture();
    private Loop loop;

    private Loop open(BackendKind kind) {
        loop = loops.open(kind);
        return loop;
    }

    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void readinessIsLevelTriggeredUntilTheDataIsRead(BackendKind kind) throws IOException {
        open(kind);
        try (Loopback pair = Loopback.open(loop)) {
            List<Integer> got = new ArrayList<>();
            IoWatcher w = new IoWatcher(loop, pair.server.source(), Events.READ, (x, e) -> got.add(e));
            w.start();
            loop.runNoWait();
            assertEquals(List.of(), got, "nothing to read yet");
            Loopback.write(pair.client, "hello");
            loop.runOnce();
            loop.runNoWait();
            assertEquals(List.of(Events.READ, Events.READ), got, "still readable while unread");
            assertEquals("hello", Loopback.readAvailable(pair.server));
            loop.runNoWait();
            assertEquals(2, got.size(), "quiet once drained");
            w.stop();
        }
    }

    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void aFreshSocketIsWritableAndEachWatcherGetsWhatItAskedFor(BackendKind kind) throws IOException {
        open(kind);
        try (Loopback pair = Loopback.open(loop)) {
            List<String> got = new ArrayList<>();
            IoWatcher reader = new IoWatcher(loop, pair.client.source(), Events.READ, (x, e) -> got.add("r" + e));
            IoWatcher writer = new IoWatcher(loop, pair.client.source(), Events.WRITE, (x, e) -> got.add("w" + e));
            reader.start();
            writer.start();
            loop.runOnce();
            assertEquals(List.of("w" + Events.WRITE), got);
            Loopback.write(pair.server, "x");
            writer.stop();
            got.clear();
            loop.runOnce();
            assertEquals(List.of("r" + Events.READ), got);
            reader.stop();
        }
    }

    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void aPeerThatClosesMakesTheSocketReadableWithEndOfStream(BackendKind kind) throws IOException {
        open(kind);
        try (Loopback pair = Loopback.open(loop)) {
            int[] eof = new int[1];
            IoWatcher w = new IoWatcher(loop, pair.server.source(), Events.READ, (x, e) -> {
                try {
                    if (pair.server.read(java.nio.ByteBuffer.allocate(16)) < 0) {
                        eof[0]++;
                        x.stop();
                    }
                } catch (IOException ex) {
                    throw new java.io.UncheckedIOException(ex);
                }
            });
            w.start();
            pair.client.close();
            loop.run();
            assertEquals(1, eof[0]);
        }
    }

    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void interestChangesOnAnActiveWatcherApplyBeforeTheNextPoll(BackendKind kind) throws IOException {
        open(kind);
        try (Loopback pair = Loopback.open(loop)) {
            List<Integer> got = new ArrayList<>();
            IoWatcher w = new IoWatcher(loop, pair.server.source(), Events.READ, (x, e) -> got.add(e));
            w.start();
            loop.runNoWait();
            w.setEvents(Events.WRITE);
            loop.runOnce();
            w.setEvents(Events.READ);
            Loopback.write(pair.client, "z");
            loop.runOnce();
            assertEquals(List.of(Events.WRITE, Events.READ), got);
            w.stop();
        }
    }

    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void aTimerNeverFiresEarlyByTheRealClock(BackendKind kind) {
        open(kind);
        long startNs = System.nanoTime();
        long[] firedAfterNs = new long[1];
        new TimerWatcher(loop, (w, e) -> firedAfterNs[0] = System.nanoTime() - startNs).start(20_000_000L, 0);
        loop.run();
        assertTrue(firedAfterNs[0] >= 20_000_000L, "fired after " + firedAfterNs[0] + " ns");
        assertTrue(loop.nowNs() >= 20_000_000L);
    }

    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void anAsyncSendFromAnotherThreadWakesABlockedPoll(BackendKind kind) throws Exception {
        open(kind);
        CountDownLatch blocking = new CountDownLatch(1);
        loop.setReleaseAcquireHooks(blocking::countDown, null);
        int[] calls = new int[1];
        AsyncWatcher async = new AsyncWatcher(loop, (w, e) -> {
            calls[0]++;
            w.stop();
        });
        async.start();
        Thread sender = new Thread(() -> {
            try {
                blocking.await(5, TimeUnit.SECONDS);
                async.send();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        sender.start();
        loop.run();                                         // blocks with no timer until the send
        sender.join();
        assertEquals(1, calls[0]);
    }

    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void aTaskFromAnotherThreadWakesABlockedPollAndRunsOnTheLoopThread(BackendKind kind) throws Exception {
        open(kind);
        CountDownLatch blocking = new CountDownLatch(1);
        loop.setReleaseAcquireHooks(blocking::countDown, null);
        AsyncWatcher keepAlive = new AsyncWatcher(loop, (w, e) -> { });
        keepAlive.start();
        Thread loopThread = Thread.currentThread();
        boolean[] onLoopThread = new boolean[1];
        Thread other = new Thread(() -> {
            try {
                blocking.await(5, TimeUnit.SECONDS);
                loop.execute(() -> {
                    onLoopThread[0] = Thread.currentThread() == loopThread;
                    keepAlive.stop();
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        other.start();
        loop.run();
        other.join();
        assertTrue(onLoopThread[0]);
    }

    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void prepareCheckAndIdleRunInTheirPlaces(BackendKind kind) {
        open(kind);
        List<String> order = new ArrayList<>();
        PrepareWatcher prepare = new PrepareWatcher(loop, (w, e) -> order.add("prepare"));
        CheckWatcher check = new CheckWatcher(loop, (w, e) -> order.add("check"));
        IdleWatcher idle = new IdleWatcher(loop, (w, e) -> {
            order.add("idle");
            w.stop();
            prepare.stop();
            check.stop();
        });
        prepare.start();
        check.start();
        idle.start();
        loop.run();
        assertEquals(List.of("prepare", "check", "idle"), order);
    }

    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void onceFiresOnRealReadiness(BackendKind kind) throws IOException {
        open(kind);
        try (Loopback pair = Loopback.open(loop)) {
            List<Integer> got = new ArrayList<>();
            Loopback.write(pair.client, "ping");
            loop.once(pair.server.source(), Events.READ, 10_000_000_000L, (w, e) -> got.add(e));
            loop.run();
            assertEquals(List.of(Events.READ), got);
            loop.runNoWait();                              // applies the io half's removal
        }
    }

    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void aHandleThatCannotBeWatchedGetsAnErrorEventAndTheLoopGoesOn(BackendKind kind) throws IOException {
        open(kind);
        IoSource dead;
        if (loop.watchesFds()) {
            dead = IoSource.fd(19_999);                     // far above any fd this test JVM has open
        } else {
            Pipe pipe = Pipe.open();
            pipe.source().close();
            pipe.sink().close();
            dead = IoSource.channel(pipe.source());
        }
        List<Integer> got = new ArrayList<>();
        IoWatcher w = new IoWatcher(loop, dead, Events.READ, (x, e) -> got.add(e));
        w.start();
        loop.run();
        assertEquals(List.of(Events.ERROR | Events.READ), got);
        assertFalse(w.isActive());
    }

    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void aSourceOfTheWrongKindIsRefusedByName(BackendKind kind) throws IOException {
        open(kind);
        Pipe pipe = Pipe.open();
        try {
            IoSource wrong = loop.watchesFds() ? IoSource.channel(pipe.source()) : IoSource.fd(0);
            IoWatcher w = new IoWatcher(loop, wrong, Events.READ, (x, e) -> { });
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, w::start);
            assertTrue(e.getMessage().contains(kind.backendName()), e.getMessage());
        } finally {
            pipe.source().close();
            pipe.sink().close();
        }
    }

    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void breakFromACallbackReturnsFromRun(BackendKind kind) throws IOException {
        open(kind);
        try (Loopback pair = Loopback.open(loop)) {
            IoWatcher w = new IoWatcher(loop, pair.client.source(), Events.WRITE, (x, e) -> loop.breakLoop(Loop.Break.ONE));
            w.start();
            assertTrue(loop.run(), "broken off while the watcher is still active");
            w.stop();
        }
    }
}
