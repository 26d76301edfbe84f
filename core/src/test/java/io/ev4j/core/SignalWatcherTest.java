package io.ev4j.core;

import io.ev4j.core.sys.linux.PidFd;
import io.ev4j.core.testutil.LoopFixture;
import io.ev4j.core.testutil.OpenFdCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// Signal watchers on every available backend, with real signals sent to this JVM. Only
/// signals whose default action is harmless or that a watcher holds are ever sent.
@Timeout(30)
@ExtendWith(OpenFdCheck.class)
class SignalWatcherTest {
    private static final int SIGUSR1 = new Signal("USR1").getNumber();
    private static final int SIGWINCH = new Signal("WINCH").getNumber();
    private static final PidFd CALLS = new PidFd();

    @RegisterExtension
    final LoopFixture loops = new LoopFixture();

    private Loop open(BackendKind kind) {
        return loops.open(kind);
    }

    /// Runs before [LoopFixture] checks and closes the loops: with no watcher left active on
    /// them, no loop may hold a signal either.
    @AfterEach
    void noSignalIsLeftWatched() {
        assertEquals(0, SignalRegistry.loopsWatching(SIGUSR1));
        assertEquals(0, SignalRegistry.loopsWatching(SIGWINCH));
    }

    static void raise(int signal) {
        assertEquals(0, CALLS.kill(ProcessHandle.current().pid(), signal), "kill");
    }

    /// Runs `loop` one iteration at a time until `done`, for at most 10 s (a guard timer keeps
    /// each iteration from blocking longer).
    static void runUntil(Loop loop, BooleanSupplier done) {
        TimerWatcher guard = new TimerWatcher(loop, (w, e) -> { });
        guard.start(10_000_000_000L, 0);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            loop.runOnce();
        }
        guard.stop();
        assertTrue(done.getAsBoolean(), "timed out waiting on " + loop);
    }

    static void await(BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertTrue(done.getAsBoolean(), "timed out");
    }

    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void aSignalSentToTheProcessRunsTheCallbackOnTheLoopThread(BackendKind kind) {
        Loop loop = open(kind);
        Thread loopThread = Thread.currentThread();
        List<String> got = new ArrayList<>();
        SignalWatcher w = new SignalWatcher(loop, "SIGUSR1", (x, e) -> {
            got.add(Events.toString(e) + " x" + x.count() + (Thread.currentThread() == loopThread ? " on loop" : " elsewhere"));
            x.stop();
        });
        assertEquals(SIGUSR1, w.signal());
        assertEquals("SIGUSR1", w.signalName());
        w.start();
        assertEquals(1, SignalRegistry.loopsWatching(SIGUSR1));
        raise(SIGUSR1);
        loop.run();                                          // until the callback stops the watcher
        assertEquals(List.of("SIGNAL x1 on loop"), got);
    }

    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void everyWatcherOnEveryLoopGetsTheSameSignal(BackendKind kind) {
        Loop first = open(kind);
        Loop second = open(kind);
        int[] calls = new int[3];
        SignalWatcher a = new SignalWatcher(first, SIGWINCH, (w, e) -> calls[0]++);
        SignalWatcher b = new SignalWatcher(first, "winch", (w, e) -> calls[1]++);
        SignalWatcher c = new SignalWatcher(second, "WINCH", (w, e) -> calls[2]++);
        a.start();
        b.start();
        c.start();
        assertEquals(2, SignalRegistry.loopsWatching(SIGWINCH));
        raise(SIGWINCH);
        runUntil(first, () -> calls[0] == 1 && calls[1] == 1);
        runUntil(second, () -> calls[2] == 1);
        a.stop();
        assertEquals(2, SignalRegistry.loopsWatching(SIGWINCH), "b still holds the first loop");
        raise(SIGWINCH);
        runUntil(first, () -> calls[1] == 2);
        runUntil(second, () -> calls[2] == 2);
        assertEquals(1, calls[0], "a stopped watcher gets nothing");
        b.stop();
        c.stop();
    }

    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void deliveriesBeforeTheLoopLooksCoalesceIntoOneCallbackWithTheirCount(BackendKind kind) throws Exception {
        Loop loop = open(kind);
        List<Integer> counts = new ArrayList<>();
        SignalWatcher w = new SignalWatcher(loop, SIGWINCH, (x, e) -> counts.add(x.count()));
        w.start();
        for (int i = 1; i <= 5; i++) {
            raise(SIGWINCH);
            int expected = i;
            await(() -> loop.signals.undelivered(SIGWINCH) == expected);   // one at a time: standard signals do not queue
        }
        runUntil(loop, () -> !counts.isEmpty());
        loop.runNoWait();
        assertEquals(List.of(5), counts);
        w.stop();
    }

    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void stoppingTheLastWatcherAnywhereRestoresThePreviousHandler(BackendKind kind) throws Exception {
        Loop first = open(kind);
        Loop second = open(kind);
        AtomicInteger mine = new AtomicInteger();
        SignalHandler myHandler = sig -> mine.incrementAndGet();
        SignalHandler original = Signal.handle(new Signal("WINCH"), myHandler);
        try {
            int[] calls = new int[2];
            SignalWatcher a = new SignalWatcher(first, SIGWINCH, (w, e) -> calls[0]++);
            SignalWatcher b = new SignalWatcher(second, SIGWINCH, (w, e) -> calls[1]++);
            a.start();
            b.start();
            a.stop();
            raise(SIGWINCH);
            runUntil(second, () -> calls[1] == 1);
            assertEquals(0, mine.get(), "taken over while any watcher is active");
            b.stop();
            raise(SIGWINCH);
            await(() -> mine.get() == 1);
            assertEquals(0, calls[0]);
            assertEquals(1, calls[1]);
        } finally {
            assertSame(myHandler, Signal.handle(new Signal("WINCH"), original), "the user's own handler is back");
        }
    }

    /// The JVM's shutdown handlers come back; where the process was started with a shutdown
    /// signal ignored (a background job), the JVM keeps it ignored and the watcher is refused.
    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void theJvmsShutdownHandlersComeBackOrAreRefusedWhenIgnoredFromTheStart(BackendKind kind) throws Exception {
        Loop loop = open(kind);
        for (String name : new String[] {"HUP", "INT", "TERM"}) {
            int number = new Signal(name).getNumber();
            SignalWatcher w = new SignalWatcher(loop, name, (x, e) -> { });
            if (ignoredByThisProcess(number)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, w::start);
                assertTrue(e.getMessage().contains("SIG" + name) && e.getMessage().contains("ignored"), e.getMessage());
                assertFalse(w.isActive());
                assertTrue(ignoredByThisProcess(number), "still ignored");
            } else {
                String before = swapOut(name);
                w.start();
                assertTrue(swapOut(name).contains("SignalRegistry"), "ours while active");
                w.stop();
                assertEquals(before, swapOut(name), name);
            }
        }
    }

    private static boolean ignoredByThisProcess(int signal) throws java.io.IOException {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << (signal - 1))) != 0;
            }
        }
        throw new AssertionError("no SigIgn line");
    }

    /// Describes the handler of `name` now, leaving it in place. (Swapping in `SIG_IGN` would
    /// not do: the JVM keeps a shutdown signal ignored once it is.)
    private static String swapOut(String name) {
        Signal s = new Signal(name);
        SignalHandler current = Signal.handle(s, sig -> { });
        Signal.handle(s, current);
        return current.toString();
    }

    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void closingTheLoopStopsItsSignalWatchersAndRestoresTheHandler(BackendKind kind) {
        Loop loop = Loop.builder().backend(kind).build();
        String before = swapOut("WINCH");
        new SignalWatcher(loop, SIGWINCH, (w, e) -> { }).start();
        new SignalWatcher(loop, SIGUSR1, (w, e) -> { }).start();
        assertEquals(2, loop.activeCount());
        loop.close();
        assertEquals(0, loop.activeCount());
        assertEquals(before, swapOut("WINCH"));
    }

    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void aCallbackThatThrowsGoesToTheErrorHandlerAndTheWatcherStaysActive(BackendKind kind) {
        Loop loop = open(kind);
        List<Throwable> errors = new ArrayList<>();
        loop.setErrorHandler((l, w, t) -> errors.add(t));
        SignalWatcher w = new SignalWatcher(loop, SIGUSR1, (x, e) -> {
            throw new IllegalStateException("boom");
        });
        w.start();
        raise(SIGUSR1);
        runUntil(loop, () -> !errors.isEmpty());
        assertTrue(w.isActive());
        assertThrows(IllegalStateException.class, () -> w.set("WINCH"), "not while active");
        w.stop();
        w.set("WINCH");
        assertEquals(SIGWINCH, w.signal());
    }

    @Test
    void signalsTheJvmCannotHandOutAreRefusedByNameWithTheReason() {
        try (Loop loop = Loop.create()) {
            Watcher.Callback<SignalWatcher> cb = (w, e) -> { };
            IllegalArgumentException kill = assertThrows(IllegalArgumentException.class,
                    () -> new SignalWatcher(loop, "KILL", cb));
            assertTrue(kill.getMessage().contains("SIGKILL") && kill.getMessage().contains("no process can catch"),
                    kill.getMessage());
            assertThrows(IllegalArgumentException.class, () -> new SignalWatcher(loop, 9, cb));
            assertThrows(IllegalArgumentException.class, () -> new SignalWatcher(loop, "STOP", cb));
            IllegalArgumentException quit = assertThrows(IllegalArgumentException.class,
                    () -> new SignalWatcher(loop, "SIGQUIT", cb));
            assertTrue(quit.getMessage().contains("SIGQUIT") && quit.getMessage().contains("thread dump"), quit.getMessage());
            for (String reserved : new String[] {"SEGV", "BUS", "FPE", "ILL", "USR2", "PIPE", "XFSZ"}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> new SignalWatcher(loop, reserved, cb));
                assertTrue(e.getMessage().contains("SIG" + reserved) && e.getMessage().contains("JVM"), e.getMessage());
            }
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                    () -> new SignalWatcher(loop, "NOPE", cb));
            assertTrue(unknown.getMessage().contains("NOPE"), unknown.getMessage());
            assertThrows(IllegalArgumentException.class, () -> new SignalWatcher(loop, 0, cb));
            assertThrows(IllegalArgumentException.class, () -> new SignalWatcher(loop, 40, cb));
            assertEquals(0, loop.activeCount());
        }
    }

    @Test
    void numbersAndNamesAgree() {
        assertEquals("SIGINT", SignalRegistry.nameOrNull(2));
        assertEquals(2, SignalRegistry.number("int"));
        assertEquals(15, SignalRegistry.number("SIGTERM"));
        assertEquals(new Signal("CHLD").getNumber(), SignalRegistry.number("CHLD"));
        assertFalse(SignalRegistry.nameOrNull(SIGWINCH).isEmpty());
    }
}
