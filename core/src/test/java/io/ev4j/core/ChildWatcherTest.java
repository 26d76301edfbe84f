package io.ev4j.core;

import io.ev4j.core.testutil.LoopFixture;
import io.ev4j.core.testutil.OpenFdCheck;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// Child watchers on every available backend, with real processes: the epoll loop takes the
/// process-descriptor route, the nio loop the portable one. [OpenFdCheck] fails a test that
/// leaves a process descriptor (or a JDK pipe) open.
@Timeout(60)
@ExtendWith(OpenFdCheck.class)
class ChildWatcherTest {
    @RegisterExtension
    final LoopFixture loops = new LoopFixture();
    private Loop loop;

    private Loop open(BackendKind kind) {
        loop = loops.open(kind);
        return loop;
    }

    /// `sh -c script` with no pipes to the JVM, so that nothing is left open.
    static Process sh(String script) throws IOException {
        return new ProcessBuilder("sh", "-c", script)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void anExitCodeIsReportedOnceAndTheJdkStillHasIt(BackendKind kind) throws Exception {
        open(kind);
        Process p = sh("sleep 0.1; exit 3");
        List<ChildStatus> got = new ArrayList<>();
        ChildWatcher w = new ChildWatcher(loop, p, (x, e) -> {
            assertEquals(Events.CHILD, e);
            assertFalse(x.isActive(), "stopped before its callback");
            got.add(x.status());
        });
        assertNull(w.status());
        w.start();
        assertEquals(1, loop.activeCount(), "only the child watcher counts, not what it uses inside");
        loop.run();                                        // returns once the callback has run
        assertEquals(List.of(new ChildStatus(p.pid(), ChildStatus.Kind.EXITED, 3, 0)), got);
        assertEquals(3, w.exitCode());
        assertEquals(0, w.terminatingSignal());
        assertEquals(p.pid(), w.pid());
        assertEquals(3, p.waitFor(), "the JDK's status was not taken");
        assertEquals(3, p.exitValue());
        assertFalse(w.holdsPidfd());
    }

    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void aProcessKilledBySigkillReportsSignalNine(BackendKind kind) throws Exception {
        open(kind);
        Process p = sh("sleep 0.1; kill -9 $$");         // still running at start: the native route reads it
        ChildWatcher w = new ChildWatcher(loop, p, (x, e) -> { });
        w.start();
        loop.run();
        assertEquals(ChildStatus.Kind.KILLED, w.status().kind());
        assertEquals(9, w.terminatingSignal());
        assertEquals(-1, w.exitCode());
        assertEquals(128 + 9, p.waitFor());
    }

    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void aHundredChildrenAtOnceAreEachReportedExactlyOnce(BackendKind kind) throws Exception {
        open(kind);
        int n = 100;
        Process[] processes = new Process[n];
        int[] calls = new int[n];
        int[] codes = new int[n];
        for (int i = 0; i < n; i++) {
            processes[i] = sh("exit " + (i % 50));
            int index = i;
            new ChildWatcher(loop, processes[i], (w, e) -> {
                calls[index]++;
                codes[index] = w.exitCode();
            }).start();
        }
        loop.run();
        for (int i = 0; i < n; i++) {
            assertEquals(1, calls[i], "calls for child " + i);
            assertEquals(i % 50, codes[i], "exit code of child " + i);
            assertEquals(i % 50, processes[i].waitFor());
        }
    }

    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void aProcessThatIsNotOurChildIsReportedWhenItExits(BackendKind kind) throws Exception {
        open(kind);
        Process sh = new ProcessBuilder("sh", "-c", "sleep 0.5 >/dev/null & echo $!")
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long grandchild;
        try (var out = sh.getInputStream()) {
            grandchild = Long.parseLong(new String(out.readAllBytes(), StandardCharsets.US_ASCII).trim());
        }
        assertEquals(0, sh.waitFor());
        List<ChildStatus> got = new ArrayList<>();
        List<Boolean> goneAtCallback = new ArrayList<>();
        new ChildWatcher(loop, grandchild, (w, e) -> {
            got.add(w.status());
            goneAtCallback.add(exitedOrGone(grandchild));
        }).start();
        assertFalse(exitedOrGone(grandchild), "still sleeping when watched");
        loop.run();
        assertEquals(1, got.size());
        assertEquals(grandchild, got.getFirst().pid());
        assertEquals(List.of(true), goneAtCallback, "reported only once it had exited");
        // Not our child: its status belongs to whoever reaps it. The kernel may have kept it.
        ChildStatus s = got.getFirst();
        assertTrue(s.kind() == ChildStatus.Kind.UNKNOWN || s.equals(new ChildStatus(grandchild, ChildStatus.Kind.EXITED, 0, 0)),
                s.toString());
    }

    /// True if `/proc` has no such process or shows it as a zombie.
    private static boolean exitedOrGone(long pid) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) == 'Z';
        } catch (IOException gone) {
            return true;
        }
    }

    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void aProcessGoneBeforeStartIsReportedFromItsExitValue(BackendKind kind) throws Exception {
        open(kind);
        Process p = sh("exit 135");
        assertEquals(135, p.waitFor());
        ChildWatcher w = new ChildWatcher(loop, p, (x, e) -> { });
        w.start();
        loop.run();
        // Reaped by the JDK before start: every route reads its exit value, in which 128 + n
        // stands for signal n.
        assertEquals(new ChildStatus(p.pid(), ChildStatus.Kind.KILLED, -1, 7), w.status());
    }

    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void stoppingBeforeTheExitMeansNoCallbackAndNothingHeld(BackendKind kind) throws Exception {
        open(kind);
        Process p = sh("sleep 30");
        int[] calls = new int[1];
        ChildWatcher w = new ChildWatcher(loop, p, (x, e) -> calls[0]++);
        w.start();
        assertEquals(kind != BackendKind.NIO, w.holdsPidfd());
        loop.runNoWait();
        assertThrows(IllegalStateException.class, () -> w.set(1L), "not while active");
        w.stop();
        assertFalse(w.holdsPidfd());
        p.destroyForcibly();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        TimerWatcher settle = new TimerWatcher(loop, (x, e) -> { });
        settle.start(50_000_000L, 0);                      // time for a late hand-over to show up
        loop.run();
        assertEquals(0, calls[0]);
        // restarted on the same, now dead, process: reported once
        w.start();
        loop.run();
        assertEquals(1, calls[0]);
        assertEquals(9, w.terminatingSignal());
    }

    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void closingTheLoopReleasesAnActiveChildWatcher(BackendKind kind) throws Exception {
        Loop own = Loop.builder().backend(kind).build();
        Process p = sh("sleep 30");
        try {
            ChildWatcher w = new ChildWatcher(own, p, (x, e) -> { });
            w.start();
            own.close();
            assertFalse(w.isActive());
            assertFalse(w.holdsPidfd());
            assertEquals(0, own.activeCount());
        } finally {
            p.destroyForcibly();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        }
    }

    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void badPidsAreRefused(BackendKind kind) {
        open(kind);
        assertThrows(IllegalArgumentException.class, () -> new ChildWatcher(loop, 0L, (w, e) -> { }));
        assertThrows(IllegalArgumentException.class, () -> new ChildWatcher(loop, -5L, (w, e) -> { }));
        assertThrows(IllegalArgumentException.class, () -> new ChildWatcher(loop, 1L << 40, (w, e) -> { }));
    }

    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void exitValuesAboveOneHundredTwentyEightReadAsSignalsOnlyOnThePortableRoute(BackendKind kind) throws Exception {
        open(kind);
        Process p = sh("sleep 0.1; exit 130");
        ChildWatcher w = new ChildWatcher(loop, p, (x, e) -> { });
        w.start();
        loop.run();
        if (kind != BackendKind.NIO) {
            assertEquals(new ChildStatus(p.pid(), ChildStatus.Kind.EXITED, 130, 0), w.status());
        } else {
            assertEquals(new ChildStatus(p.pid(), ChildStatus.Kind.KILLED, -1, 2), w.status(), "documented");
        }
        assertEquals(130, p.waitFor());
    }
}
