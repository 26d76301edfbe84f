package io.ev4j.core;

import io.ev4j.core.testutil.LoopFixture;
import io.ev4j.core.testutil.OpenFdCheck;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/// Stat watchers on every available backend, with real files in a temp dir. Where the loop
/// has kernel notice (epoll), the polling interval is an hour, so only inotify can have seen
/// a change; elsewhere it is the shortest, and polling sees it. [OpenFdCheck] fails a test
/// that leaves the inotify fd open.
@Timeout(30)
@ExtendWith(OpenFdCheck.class)
class StatWatcherTest {
    @RegisterExtension
    final LoopFixture loops = new LoopFixture();
    private Loop loop;
    private final List<PathStat[]> calls = new ArrayList<>();
    @TempDir
    Path dir;

    private Loop open(BackendKind kind) {
        loop = loops.open(kind);
        return loop;
    }

    private Duration interval() {
        return loop.stats.kernelNoticeAvailable() ? Duration.ofHours(1) : StatWatcher.MIN_INTERVAL;
    }

    private StatWatcher watch(Path path) {
        StatWatcher w = new StatWatcher(loop, (x, e) -> {
            assertEquals(Events.STAT, e);
            calls.add(new PathStat[] {x.previousAttributes(), x.attributes()});
        });
        w.start(path, interval());
        return w;
    }

    /// Runs the loop until `n` callbacks have run in all, with a timer as a guard.
    private PathStat[] awaitCalls(int n) {
        TimerWatcher guard = new TimerWatcher(loop, (t, e) -> { });
        guard.start(Duration.ofSeconds(10), Duration.ZERO);
        while (calls.size() < n && guard.isActive()) {
            loop.runOnce();
        }
        guard.stop();
        assertEquals(n, calls.size(), "callbacks");
        return calls.get(n - 1);
    }

    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void aFileCreatedLaterIsReportedWithItsSize(BackendKind kind) throws Exception {
        open(kind);
        Path file = dir.resolve("later.txt");
        StatWatcher w = watch(file);
        assertEquals(1, loop.activeCount(), "only the stat watcher counts, not what it uses inside");
        assertEquals(PathStat.MISSING, w.attributes());
        Files.writeString(file, "hello");
        PathStat[] change = awaitCalls(1);
        assertFalse(change[0].exists());
        assertTrue(change[1].exists());
        assertTrue(change[1].isRegularFile());
        assertEquals(5, change[1].sizeBytes());
        assertEquals(1, change[1].linkCount());
        assertEquals(loop.stats.kernelNoticeAvailable(), w.isKernelNotified(), "the new file is watched itself");
        w.stop();
    }

    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void aSizeChangeAndAChmodAreEachReportedOnce(BackendKind kind) throws Exception {
        open(kind);
        Path file = Files.writeString(dir.resolve("grow.txt"), "a");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        StatWatcher w = watch(file);
        assertEquals(1, w.attributes().sizeBytes());
        assertEquals(w.attributes(), w.previousAttributes(), "no change seen yet");
        Files.writeString(file, "bcd", StandardOpenOption.APPEND);
        PathStat[] grown = awaitCalls(1);
        assertEquals(1, grown[0].sizeBytes());
        assertEquals(4, grown[1].sizeBytes());
        assertEquals(grown[0].inode(), grown[1].inode(), "the same file");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        PathStat[] chmod = awaitCalls(2);
        assertEquals(0644, chmod[0].permissions());
        assertEquals(0600, chmod[1].permissions());
        assertEquals(4, chmod[1].sizeBytes());
        loop.runNoWait();
        assertEquals(2, calls.size(), "nothing more");
        w.stop();
    }

    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void deletionAndCreationAgainAreBothSeen(BackendKind kind) throws Exception {
        open(kind);
        Path file = Files.writeString(dir.resolve("gone.txt"), "x");
        StatWatcher w = watch(file);
        Files.delete(file);
        PathStat[] deleted = awaitCalls(1);
        assertTrue(deleted[0].exists());
        assertEquals(PathStat.MISSING, deleted[1]);
        Files.writeString(file, "back");
        PathStat[] back = awaitCalls(2);
        assertFalse(back[0].exists());
        assertEquals(4, back[1].sizeBytes());
        w.stop();
    }

    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void aReplacementByRenameIsANewInodeAndIsWatchedInTurn(BackendKind kind) throws Exception {
        open(kind);
        Path file = Files.writeString(dir.resolve("config"), "one");
        StatWatcher w = watch(file);
        Path next = Files.writeString(dir.resolve("config.new"), "two!");
        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        PathStat[] replaced = awaitCalls(1);
        assertNotEquals(replaced[0].inode(), replaced[1].inode());
        assertEquals(4, replaced[1].sizeBytes());
        Files.writeString(file, "three", StandardOpenOption.APPEND);
        PathStat[] changed = awaitCalls(2);
        assertEquals(replaced[1].inode(), changed[1].inode());
        assertEquals(9, changed[1].sizeBytes(), "the new file's own change");
        w.stop();
    }

    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void aDirectoryChangesWhenItsEntriesDo(BackendKind kind) throws Exception {
        open(kind);
        Path sub = Files.createDirectory(dir.resolve("sub"));
        Files.setLastModifiedTime(sub, FileTime.from(Instant.now().minusSeconds(3600)));  // clear of clock ticks
        StatWatcher w = watch(sub);
        assertTrue(w.attributes().isDirectory());
        Files.writeString(sub.resolve("entry"), "x");
        PathStat[] changed = awaitCalls(1);
        assertTrue(changed[1].modifiedNs() > changed[0].modifiedNs(), "mtime moved on");
        assertTrue(changed[1].isDirectory());
        w.stop();
    }

    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void aPathWhoseParentIsMissingIsFoundByPolling(BackendKind kind) throws Exception {
        open(kind);
        Path file = dir.resolve("not-yet").resolve("file");
        StatWatcher w = new StatWatcher(loop, (x, e) -> calls.add(new PathStat[] {x.previousAttributes(), x.attributes()}));
        w.start(file, Duration.ofMillis(1));
        assertEquals(StatWatcher.MIN_INTERVAL, w.interval(), "raised to the minimum");
        assertFalse(w.isKernelNotified());
        Files.createDirectory(file.getParent());
        Files.writeString(file, "found");
        PathStat[] found = awaitCalls(1);
        assertEquals(5, found[1].sizeBytes());
        w.stop();
    }

    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void stopReleasesAndRestartReadsAfreshWithoutACallback(BackendKind kind) throws Exception {
        open(kind);
        Path file = Files.writeString(dir.resolve("f"), "1");
        StatWatcher a = watch(file);
        StatWatcher b = watch(file);                 // shares the kernel watches with a
        assertEquals(2, loop.activeCount());
        a.stop();
        a.stop();
        assertFalse(a.isActive());
        assertEquals(1, loop.activeCount());
        Files.writeString(file, "22");
        awaitCalls(1);
        assertEquals(2, b.attributes().sizeBytes(), "the other watcher still hears");
        assertEquals(1, a.attributes().sizeBytes(), "a stopped watcher does not");
        b.stop();
        assertFalse(loop.run(), "nothing keeps the loop");
        a.start();
        assertEquals(2, a.attributes().sizeBytes(), "start reads the path");
        assertEquals(a.attributes(), a.previousAttributes());
        Files.writeString(file, "333");
        PathStat[] change = awaitCalls(2);
        assertEquals(3, change[1].sizeBytes());
        a.stop();
    }

    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void badInputGetsTypedExceptions(BackendKind kind) {
        open(kind);
        StatWatcher w = new StatWatcher(loop, (x, e) -> { });
        assertThrows(NullPointerException.class, () -> new StatWatcher(loop, null));
        assertThrows(NullPointerException.class, () -> w.start(null, Duration.ZERO));
        assertThrows(NullPointerException.class, () -> w.start(dir, null));
        var negative = assertThrows(IllegalArgumentException.class, () -> w.start(dir, Duration.ofMillis(-1)));
        assertTrue(negative.getMessage().contains("interval"), negative.getMessage());
        assertThrows(IllegalStateException.class, w::start, "no path yet");
        assertThrows(IllegalStateException.class, w::stat, "no path yet");
        w.start(dir, Duration.ZERO);
        assertEquals(StatWatcher.DEFAULT_INTERVAL, w.interval());
        assertThrows(IllegalStateException.class, () -> w.set(dir, Duration.ZERO), "active");
        assertTrue(w.stat().isDirectory());
        w.stop();
        assertFalse(w.isActive());
        w.set(dir, Duration.ofDays(100_000));
        assertEquals(Duration.ofNanos(StatWatcher.MAX_INTERVAL_NS), w.interval(), "capped");
    }

    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void closingTheLoopStopsItAndStartingOnAClosedLoopFails(BackendKind kind) throws Exception {
        open(kind);
        StatWatcher w = watch(dir);
        loop.close();
        assertFalse(w.isActive());
        assertThrows(IllegalStateException.class, w::start);
        w.stop();
        loop = null;                                 // closed already; OpenFdCheck: the inotify fd too
    }

    /// The kernel queues at most `max_queued_events` events per inotify fd, then one
    /// `IN_Q_OVERFLOW` (wd -1) and drops the rest. Fills a real queue with events about other
    /// files in the watched directory (alternating two names, so the kernel cannot merge them)
    /// while the loop does not read, then changes the watched file: its events are dropped,
    /// and only the overflow, parsed like any event, can tell the watcher to look again.
    @ParameterizedTest
    @MethodSource(LoopFixture.BACKENDS)
    void aQueueOverflowMakesEveryWatcherLookAgainSoNoChangeIsLost(BackendKind kind) throws Exception {
        open(kind);
        assumeTrue(loop.stats.kernelNoticeAvailable(), "polling has no kernel queue to overflow");
        int maxQueued = maxQueuedEvents();
        Path file = Files.writeString(dir.resolve("watched"), "a");
        Path quiet = Files.writeString(dir.resolve("quiet"), "b");
        StatWatcher changed = watch(file);
        StatWatcher unchanged = watch(quiet);
        assertTrue(changed.isKernelNotified() && unchanged.isKernelNotified());
        Path[] noise = {Files.writeString(dir.resolve("noise-1"), ""), Files.writeString(dir.resolve("noise-2"), "")};
        loop.runNoWait();                            // reads the events of the set-up
        assertEquals(0, calls.size());
        FileTime t = FileTime.from(Instant.now());
        for (int i = 0; i <= maxQueued; i++) {
            Files.setLastModifiedTime(noise[i & 1], t);
        }
        Files.writeString(file, "bc", StandardOpenOption.APPEND);
        PathStat[] seen = awaitCalls(1);
        assertEquals(1, loop.stats.overflows(), "the overflow record was read");
        assertEquals(1, seen[0].sizeBytes());
        assertEquals(3, seen[1].sizeBytes());
        assertEquals(3, changed.attributes().sizeBytes());
        loop.runNoWait();
        assertEquals(1, calls.size(), "the unchanged path was read again without a callback");
        Files.writeString(file, "d", StandardOpenOption.APPEND);
        assertEquals(4, awaitCalls(2)[1].sizeBytes(), "watched again after the overflow");
        changed.stop();
        unchanged.stop();
    }

    /// The kernel's per-fd queue limit. Read in one piece: a sysctl file read in small steps
    /// (as `Files.readString` does with a file whose size shows as 0) ends after one byte.
    private static int maxQueuedEvents() throws IOException {
        try (BufferedReader r = Files.newBufferedReader(Path.of("/proc/sys/fs/inotify/max_queued_events"))) {
            return Integer.parseInt(r.readLine().trim());
        }
    }
}
