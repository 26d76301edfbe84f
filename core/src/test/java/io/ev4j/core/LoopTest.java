package io.ev4j.core;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// Loop semantics that need no OS: run modes, breaks, priorities, the watcher kinds that are
/// not io, errors, threads and closing. Runs on [FakeBackend] with simulated time.
@Timeout(10)
class LoopTest {
    private final ManualClock clock = new ManualClock();
    private final FakeBackend backend = new FakeBackend(clock);
    private final Loop loop = Loop.builder().backend(backend).clock(clock).build();

    @AfterEach
    void loopEndsEmpty() {
        if (!loop.isClosed()) {
            assertEquals(0, loop.activeCount(), "watchers left active");
            assertEquals(0, loop.pendingCount(), "calls left pending");
            assertTrue(loop.verify());
            loop.close();
        }
        assertTrue(backend.closed, "closing the loop closes its backend");
    }

    @Test
    void runReturnsAtOnceWithoutActiveWatchers() {
        assertFalse(loop.run());
        assertEquals(1, loop.iteration());
        assertEquals(List.of(0L), backend.pollTimeouts, "an empty loop does not block");
    }

    @Test
    void runOnceAndRunNoWaitDoOneIteration() {
        int[] calls = new int[1];
        TimerWatcher t = new TimerWatcher(loop, (w, e) -> calls[0]++);
        t.start(1_000, 1_000);
        assertTrue(loop.runNoWait());
        assertEquals(List.of(0L), backend.pollTimeouts, "NOWAIT polls without blocking");
        assertTrue(loop.runOnce());
        assertEquals(1_000L, backend.pollTimeouts.get(1), "ONCE blocks until the timer");
        assertEquals(1, calls[0]);
        t.stop();
    }

    @Test
    void breakOneLeavesTheInnermostRunAndBreakAllLeavesEvery() {
        List<String> log = new ArrayList<>();
        TimerWatcher keepAlive = new TimerWatcher(loop, (w, e) -> { });
        keepAlive.start(1_000_000_000, 1_000_000_000);
        TimerWatcher inner = new TimerWatcher(loop, (w, e) -> {
            log.add("inner depth " + loop.depth());
            loop.breakLoop(Loop.Break.ONE);
        });
        new TimerWatcher(loop, (w, e) -> {
            log.add("outer depth " + loop.depth());
            inner.start(10, 0);
            loop.run();                                  // nested
            log.add("back at depth " + loop.depth());
            loop.breakLoop(Loop.Break.ALL);
        }).start(10, 0);
        assertTrue(loop.run(), "broken off with the keep-alive timer active");
        assertEquals(List.of("outer depth 1", "inner depth 2", "back at depth 1"), log);
        assertEquals(0, loop.depth());
        keepAlive.stop();
    }

    @Test
    void breakAllFromANestedRunEndsTheOuterRunToo() {
        TimerWatcher keepAlive = new TimerWatcher(loop, (w, e) -> { });
        keepAlive.start(1_000_000_000, 1_000_000_000);
        new TimerWatcher(loop, (w, e) -> {
            new TimerWatcher(loop, (w2, e2) -> loop.breakLoop(Loop.Break.ALL)).start(5, 0);
            loop.run();
        }).start(5, 0);
        loop.run();
        assertEquals(0, loop.depth());
        assertEquals(10, loop.nowNs());
        keepAlive.stop();
    }

    @Test
    void breakCancelTakesBackABreak() {
        int[] calls = new int[1];
        new TimerWatcher(loop, (w, e) -> {
            loop.breakLoop(Loop.Break.ONE);
            loop.breakLoop(Loop.Break.CANCEL);
            calls[0]++;
        }).start(5, 0);
        new TimerWatcher(loop, (w, e) -> calls[0]++).start(10, 0);
        loop.run();
        assertEquals(2, calls[0], "the run went on to the second timer");
    }

    @Test
    void unrefLetsRunReturnWithAWatcherActive() {
        TimerWatcher background = new TimerWatcher(loop, (w, e) -> { });
        background.start(1_000_000, 1_000_000);
        loop.unref();
        assertFalse(loop.run());
        assertTrue(background.isActive());
        loop.ref();
        background.stop();
    }

    @Test
    void higherPrioritiesRunFirstAndFifoWithinAPriority() {
        List<String> order = new ArrayList<>();
        IdleWatcher[] ws = new IdleWatcher[5];
        String[] names = {"low", "mid-a", "high", "mid-b", "lowest"};
        int[] priorities = {-1, 0, 2, 0, -2};
        for (int i = 0; i < 5; i++) {
            String name = names[i];
            ws[i] = new IdleWatcher(loop, (w, e) -> order.add(name));
            ws[i].setPriority(priorities[i]);
        }
        for (IdleWatcher w : ws) {
            loop.feedEvent(w, Events.CUSTOM);
        }
        assertEquals(5, loop.pendingCount());
        loop.invokePending();
        assertEquals(List.of("high", "mid-a", "mid-b", "low", "lowest"), order);
    }

    @Test
    void aCallbackThatFeedsAHigherPriorityWatcherSeesItRunNext() {
        List<String> order = new ArrayList<>();
        IdleWatcher high = new IdleWatcher(loop, (w, e) -> order.add("high"));
        high.setPriority(Loop.MAX_PRIORITY);
        IdleWatcher second = new IdleWatcher(loop, (w, e) -> order.add("second"));
        IdleWatcher first = new IdleWatcher(loop, (w, e) -> {
            order.add("first");
            high.feed(Events.CUSTOM);
        });
        first.feed(Events.CUSTOM);
        second.feed(Events.CUSTOM);
        loop.invokePending();
        assertEquals(List.of("first", "high", "second"), order);
    }

    @Test
    void feedingTwiceMergesTheEventsAndClearPendingCancels() {
        int[] got = new int[1];
        IdleWatcher w = new IdleWatcher(loop, (x, e) -> got[0] = e);
        w.feed(Events.READ);
        w.feed(Events.CUSTOM);
        assertTrue(w.isPending());
        assertEquals(1, loop.pendingCount());
        loop.invokePending();
        assertEquals(Events.READ | Events.CUSTOM, got[0]);
        w.feed(Events.WRITE);
        assertEquals(Events.WRITE, w.clearPending());
        assertFalse(w.isPending());
        assertEquals(0, w.clearPending());
    }

    @Test
    void idleWatchersRunOnlyWhenNothingOfTheirPriorityOrHigherIsPending() {
        List<String> order = new ArrayList<>();
        IdleWatcher idle = new IdleWatcher(loop, (w, e) -> {
            order.add("idle");
            if (order.size() > 3) {
                w.stop();
            }
        });
        idle.start();
        TimerWatcher busy = new TimerWatcher(loop, (w, e) -> order.add("timer"));
        busy.setPriority(1);
        busy.start(0, 0);
        loop.run();
        assertEquals("timer", order.get(0), "the due timer locks the idle watcher out");
        assertEquals(List.of("timer", "idle", "idle", "idle"), order);
        assertTrue(backend.pollTimeouts.stream().allMatch(t -> t == 0), "an active idle watcher keeps the poll from blocking");
    }

    @Test
    void lowerPriorityPendingWorkDoesNotLockOutAHigherPriorityIdleWatcher() {
        List<String> order = new ArrayList<>();
        IdleWatcher idle = new IdleWatcher(loop, (w, e) -> {
            order.add("idle");
            w.stop();
        });
        idle.setPriority(1);
        idle.start();
        TimerWatcher low = new TimerWatcher(loop, (w, e) -> order.add("low timer"));
        low.setPriority(-1);
        low.start(0, 0);
        loop.runNoWait();
        assertEquals(List.of("idle", "low timer"), order);
    }

    @Test
    void prepareRunsBeforeThePollAndCheckRightAfterItBeforeOtherCallbacks() {
        List<String> order = new ArrayList<>();
        PrepareWatcher prepare = new PrepareWatcher(loop, (w, e) -> order.add("prepare@" + loop.nowNs()));
        CheckWatcher check = new CheckWatcher(loop, (w, e) -> order.add("check@" + loop.nowNs()));
        prepare.start();
        check.start();
        new TimerWatcher(loop, (w, e) -> {
            order.add("timer@" + loop.nowNs());
            prepare.stop();
            check.stop();
        }).start(100, 0);
        loop.run();
        assertEquals(List.of("prepare@0", "check@100", "timer@100"), order);
    }

    @Test
    void aPrepareWatcherCanStartAnIdleWatcherToKeepThePollFromBlocking() {
        IdleWatcher idle = new IdleWatcher(loop, (w, e) -> w.stop());
        PrepareWatcher prepare = new PrepareWatcher(loop, (w, e) -> {
            idle.start();
            w.stop();
        });
        prepare.start();
        new TimerWatcher(loop, (w, e) -> { }).start(1_000, 0);
        loop.runOnce();
        assertEquals(0L, backend.pollTimeouts.get(0));
        loop.run();
    }

    @Test
    void aThrowingCallbackGoesToTheErrorHandlerAndTheLoopGoesOn() {
        List<String> errors = new ArrayList<>();
        loop.setErrorHandler((l, w, t) -> errors.add(w.toString().split(" ")[0] + ": " + t.getMessage()));
        int[] calls = new int[1];
        new TimerWatcher(loop, (w, e) -> { throw new IllegalStateException("boom"); }).start(1, 0);
        new TimerWatcher(loop, (w, e) -> calls[0]++).start(2, 0);
        loop.run();
        assertEquals(List.of("timer: boom"), errors);
        assertEquals(1, calls[0]);
    }

    @Test
    void aThrowingErrorHandlerDoesNotStopTheLoopEither() {
        loop.setErrorHandler((l, w, t) -> { throw new RuntimeException("handler broke"); });
        int[] calls = new int[1];
        new TimerWatcher(loop, (w, e) -> { throw new IllegalStateException("boom"); }).start(1, 0);
        new TimerWatcher(loop, (w, e) -> calls[0]++).start(2, 0);
        loop.run();
        assertEquals(1, calls[0]);
    }

    @Test
    void thePendingInvokerAndTheReleaseAcquireHooksAreCalled() {
        List<String> log = new ArrayList<>();
        loop.setPendingInvoker(l -> {
            log.add("invoke " + l.pendingCount());
            l.invokePending();
        });
        loop.setReleaseAcquireHooks(() -> log.add("release"), () -> log.add("acquire"));
        new TimerWatcher(loop, (w, e) -> log.add("timer")).start(5, 0);
        loop.run();
        assertEquals(List.of("release", "acquire", "invoke 1", "timer"), log);
    }

    @Test
    void userDataOnLoopAndWatcher() {
        loop.setUserData("loop data");
        assertEquals("loop data", loop.userData());
        IdleWatcher w = new IdleWatcher(loop, (x, e) -> { });
        assertNull(w.data());
        w.setData(42);
        assertEquals(42, w.data());
    }

    @Test
    void asyncSendsCoalesceIntoOneCallbackAndOneWakeup() throws Exception {
        int[] calls = new int[1];
        AsyncWatcher async = new AsyncWatcher(loop, (w, e) -> {
            assertEquals(Events.ASYNC, e);
            calls[0]++;
        });
        async.start();
        Thread sender = new Thread(() -> {
            for (int i = 0; i < 1000; i++) {
                async.send();
            }
        });
        sender.start();
        sender.join();
        assertTrue(async.isSendPending());
        assertEquals(1, backend.wakeups.get(), "a thousand sends, one wake-up");
        loop.runNoWait();
        assertEquals(1, calls[0]);
        assertFalse(async.isSendPending());
        loop.runNoWait();
        assertEquals(1, calls[0], "nothing new was sent");
        async.send();                                        // from the loop thread: no syscall
        assertEquals(1, backend.wakeups.get());
        loop.runNoWait();
        assertEquals(2, calls[0]);
        async.stop();
    }

    @Test
    void aSendToAStoppedAsyncWatcherIsDropped() {
        int[] calls = new int[1];
        AsyncWatcher async = new AsyncWatcher(loop, (w, e) -> calls[0]++);
        async.send();
        async.start();
        loop.runNoWait();
        assertEquals(0, calls[0]);
        async.stop();
    }

    @Test
    void tasksFromOtherThreadsRunOnTheLoopThreadInBoundedBatches() throws Exception {
        Loop bounded = Loop.builder().backend(new FakeBackend(clock)).clock(clock).maxTasksPerIteration(10).build();
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        int[] ran = new int[1];
        Thread producer = new Thread(() -> {
            for (int i = 0; i < 25; i++) {
                bounded.execute(() -> {
                    ran[0]++;
                    ranOn.set(Thread.currentThread());
                });
            }
        });
        producer.start();
        producer.join();
        bounded.runNoWait();
        assertEquals(10, ran[0], "one iteration runs at most maxTasksPerIteration tasks");
        bounded.run();
        assertEquals(25, ran[0], "queued tasks keep run() going until they ran");
        assertSame(Thread.currentThread(), ranOn.get());
        bounded.close();
        assertThrows(RejectedExecutionException.class, () -> bounded.execute(() -> { }));
    }

    @Test
    void anotherThreadIsRefusedWhileTheLoopRuns() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch checked = new CountDownLatch(1);
        AtomicReference<Throwable> seen = new AtomicReference<>();
        AsyncWatcher done = new AsyncWatcher(loop, (w, e) -> w.stop());
        done.start();
        Thread other = new Thread(() -> {
            try {
                running.await(5, TimeUnit.SECONDS);
                new TimerWatcher(loop, (w, e) -> { }).start(1, 0);
            } catch (Throwable t) {
                seen.set(t);
            } finally {
                checked.countDown();
                done.send();
            }
        });
        new IdleWatcher(loop, (w, e) -> {
            w.stop();
            running.countDown();
            try {
                checked.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }).start();
        other.start();
        loop.run();
        other.join();
        assertTrue(seen.get() instanceof IllegalStateException, String.valueOf(seen.get()));
        assertTrue(seen.get().getMessage().contains("execute"), seen.get().getMessage());
    }

    @Test
    void aStoppedLoopCanBeHandedToAnotherThread() throws Exception {
        TimerWatcher t = new TimerWatcher(loop, (w, e) -> { });
        AtomicReference<Throwable> seen = new AtomicReference<>();
        Thread other = new Thread(() -> {
            try {
                t.start(5, 0);
                loop.run();
            } catch (Throwable e) {
                seen.set(e);
            }
        });
        other.start();
        other.join();
        assertNull(seen.get());
        assertEquals(5, loop.nowNs());
    }

    @Test
    void closeRunsCleanupWatchersAndLaterUseIsRefused() {
        List<String> log = new ArrayList<>();
        new CleanupWatcher(loop, (w, e) -> log.add("cleanup " + Events.toString(e))).start();
        assertEquals(0, loop.activeCount(), "cleanup watchers do not keep the loop alive");
        TimerWatcher t = new TimerWatcher(loop, (w, e) -> { });
        t.start(100, 0);
        t.feed(Events.CUSTOM);
        loop.close();
        assertEquals(List.of("cleanup CLEANUP"), log);
        assertFalse(t.isActive(), "close() stops every watcher");
        assertFalse(t.isPending());
        t.stop();                                                  // harmless
        loop.close();                                              // idempotent
        assertTrue(assertThrows(IllegalStateException.class, loop::run).getMessage().contains("closed"));
        assertThrows(IllegalStateException.class, () -> t.start(1, 0));
        assertThrows(IllegalStateException.class, () -> new IdleWatcher(loop, (w, e) -> { }).start());
    }

    @Test
    void closeFromInsideRunIsRefused() {
        AtomicReference<Throwable> seen = new AtomicReference<>();
        new TimerWatcher(loop, (w, e) -> {
            try {
                loop.close();
            } catch (IllegalStateException ex) {
                seen.set(ex);
            }
        }).start(1, 0);
        loop.run();
        assertTrue(seen.get().getMessage().contains("breakLoop"));
    }

    @Test
    void watchersOfAnotherLoopAreRefused() {
        Loop other = Loop.builder().backend(new FakeBackend(clock)).clock(clock).build();
        IdleWatcher foreign = new IdleWatcher(other, (w, e) -> { });
        assertTrue(assertThrows(IllegalArgumentException.class, () -> loop.feedEvent(foreign, 1))
                .getMessage().contains("another loop"));
        assertThrows(IllegalArgumentException.class, () -> loop.clearPending(foreign));
        other.close();
    }

    @Test
    void priorityChangesNeedAStoppedWatcher() {
        IdleWatcher w = new IdleWatcher(loop, (x, e) -> { });
        assertThrows(IllegalArgumentException.class, () -> w.setPriority(3));
        w.start();
        assertTrue(assertThrows(IllegalStateException.class, () -> w.setPriority(1)).getMessage().contains("active"));
        w.stop();
        w.feed(Events.CUSTOM);
        assertTrue(assertThrows(IllegalStateException.class, () -> w.setPriority(1)).getMessage().contains("pending"));
        w.clearPending();
        w.setPriority(1);
        assertEquals(1, w.priority());
    }

    @Test
    void onceFiresOnTimeoutWhenTheSourceStaysQuiet() {
        List<Integer> got = new ArrayList<>();
        loop.once(IoSource.fd(9), Events.READ, 50, (w, e) -> got.add(e));
        loop.run();
        assertEquals(List.of(Events.TIMER), got);
        assertEquals(50, loop.nowNs());
        assertEquals(0, loop.activeCount(), "the io half no longer keeps the loop running");
        loop.runNoWait();
        assertFalse(backend.registered.containsKey(9), "its removal reaches the backend with the next batch");
    }

    @Test
    void onceFiresOnReadinessAndForgetsTheTimer() {
        List<Integer> got = new ArrayList<>();
        backend.readyNow.put(9, Events.READ);
        loop.once(IoSource.fd(9), Events.READ, 1_000_000, (w, e) -> got.add(e));
        loop.run();
        assertEquals(List.of(Events.READ), got);
        assertEquals(0, loop.nowNs(), "did not wait for the timeout");
    }
}
