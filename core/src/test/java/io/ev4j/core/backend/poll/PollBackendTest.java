package io.ev4j.core.backend.poll;

import io.ev4j.core.ErrnoException;
import io.ev4j.core.backend.BackendChecks;
import io.ev4j.core.sys.linux.FdFixture;
import io.ev4j.core.sys.linux.Syscalls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import static io.ev4j.core.backend.Backend.READ;
import static io.ev4j.core.backend.Backend.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/// Drives [PollBackend] through the backend SPI with pipes and eventfds: readiness, the dense
/// array's swap-remove, fds closed while watched, wake-ups, sub-millisecond timeouts, and a
/// thousand pipes at once.
@Timeout(20)
@EnabledOnOs(OS.LINUX)
class PollBackendTest {
    private static final long MS = 1_000_000L;
    private FdFixture fds;
    private Syscalls sys;
    private PollBackend backend;

    @BeforeEach
    void open() throws IOException {
        fds = new FdFixture();
        sys = fds.sys;
        backend = new PollBackend(sys);
    }

    @AfterEach
    void closeAll() {
        backend.close();
        fds.close();
    }

    /// Sorted fd → merged ready mask of one poll.
    private Map<Integer, Integer> poll(long timeoutNs) throws IOException {
        Map<Integer, Integer> ready = new TreeMap<>();
        int n = backend.poll(timeoutNs, (slot, mask) -> ready.merge(slot, mask, (a, b) -> a | b));
        assertEquals(ready.size(), n, "count returned");
        return ready;
    }

    private void watch(int fd, int mask) throws IOException {
        backend.modify(fd, fd, null, 0, mask, false);
    }

    @Test
    void identity() {
        assertEquals("poll", backend.name());
        assertTrue(backend.watchesFds());
        assertTrue(PollBackend.isSupported());
        assertEquals(-1, backend.embedFd(), "a poll set has no fd to embed");
        assertEquals(1, backend.entryCount(), "only the wake-up eventfd");
    }

    @Test
    void readinessIsLevelTriggeredAndFollowsInterestChanges() throws IOException {
        int[] p = fds.pipe();
        watch(p[0], READ);
        assertEquals(Map.of(), poll(0));
        fds.writeByte(p[1]);
        assertEquals(Map.of(p[0], READ), poll(1000 * MS));
        assertEquals(Map.of(p[0], READ), poll(0), "level-triggered: still readable");
        int efd = fds.eventfd();
        watch(efd, WRITE);
        assertEquals(Map.of(p[0], READ, efd, WRITE), poll(0));
        backend.modify(efd, efd, null, WRITE, READ, false);
        assertEquals(Map.of(p[0], READ), poll(0), "the eventfd is not readable yet");
        backend.modify(p[0], p[0], null, READ, 0, false);
        assertEquals(Map.of(), poll(0));
        assertEquals(2, backend.entryCount());
    }

    @Test
    void removingSwapsTheLastEntryInAndKeepsTheOthersWatched() throws IOException {
        int[] a = fds.pipe();
        int[] b = fds.pipe();
        int[] c = fds.pipe();
        watch(a[0], READ);
        watch(b[0], READ);
        watch(c[0], READ);
        fds.writeByte(a[1]);
        fds.writeByte(b[1]);
        fds.writeByte(c[1]);
        backend.modify(a[0], a[0], null, READ, 0, false);   // c moves into a's entry
        assertEquals(3, backend.entryCount());
        assertEquals(Map.of(b[0], READ, c[0], READ), poll(0));
        backend.modify(c[0], c[0], null, READ, 0, false);   // c was moved: its index followed it
        assertEquals(Map.of(b[0], READ), poll(0));
        watch(a[0], READ);
        assertEquals(Map.of(a[0], READ, b[0], READ), poll(0));
    }

    @Test
    void removingAnFdTheUserAlreadyClosedIsQuiet() throws IOException {
        int[] p = fds.pipe();
        watch(p[0], READ);
        fds.closeFd(p[0]);
        backend.modify(p[0], p[0], null, READ, 0, false);
        assertEquals(1, backend.entryCount());
    }

    @Test
    void addingAClosedFdThrowsEbadf() {
        int[] p = fds.pipe();
        fds.closeFd(p[0]);
        ErrnoException e = assertThrows(ErrnoException.class, () -> watch(p[0], READ));
        assertEquals("EBADF", e.errnoName());
        assertTrue(e.getMessage().contains("fd " + p[0]), e.getMessage());
        assertEquals(1, backend.entryCount(), "nothing half-added");
    }

    @Test
    void anFdClosedWhileWatchedIsReportedOnceThenParkedSoThePollCanBlock() throws IOException {
        int[] p = fds.pipe();
        int[] other = fds.pipe();
        watch(p[0], READ);
        watch(other[0], READ);
        fds.closeFd(p[0]);
        assertEquals(Map.of(p[0], READ), poll(1000 * MS), "POLLNVAL reported for what was watched");
        assertTrue(backend.isParked(p[0]));
        long start = System.nanoTime();
        assertEquals(Map.of(), poll(20 * MS), "parked: no busy loop");
        assertTrue(System.nanoTime() - start >= 20 * MS, "the poll waited");
        ErrnoException e = assertThrows(ErrnoException.class,
                () -> backend.modify(p[0], p[0], null, READ, READ | WRITE, false));
        assertEquals("EBADF", e.errnoName());
        assertEquals(2, backend.entryCount(), "a change that failed dropped the entry");
        fds.writeByte(other[1]);
        assertEquals(Map.of(other[0], READ), poll(0), "the moved entry still works");
    }

    @Test
    void aParkedFdNumberReopenedIsWatchedAgainOnReregistration() throws IOException {
        int[] old = fds.pipe();
        watch(old[0], READ);
        fds.closeFd(old[0]);
        fds.closeFd(old[1]);
        assertEquals(Map.of(old[0], READ), poll(0));
        int[] fresh = fds.pipe();
        assumeTrue(fresh[0] == old[0], "fd number not reused");
        backend.modify(fresh[0], fresh[0], null, READ, READ, true);
        assertFalse(backend.isParked(fresh[0]));
        assertEquals(Map.of(), poll(0));
        fds.writeByte(fresh[1]);
        assertEquals(Map.of(fresh[0], READ), poll(1000 * MS));
    }

    @Test
    void hangUpAndErrorReportWhatIsWatched() throws IOException {
        int[] p = fds.pipe();
        watch(p[0], READ);
        fds.closeFd(p[1]);
        assertEquals(Map.of(p[0], READ), poll(1000 * MS), "POLLHUP on the read end");
        assertEquals(0, sys.read(p[0], fds.buf.address(), 1), "end of file");
        int[] q = fds.pipe();
        watch(q[1], WRITE);
        fds.closeFd(q[0]);
        assertEquals(Map.of(p[0], READ, q[1], WRITE), poll(0), "POLLERR on the write end");
    }

    @Test
    void wakeupFromAnotherThreadEndsABlockingPollAndIsDrained() throws Exception {
        BackendChecks.wakeupFromAnotherThreadEndsABlockingPoll(backend);
    }

    @Test
    void aSubMillisecondTimeoutIsWaitedOutNotRoundedToZero() throws IOException {
        int[] p = fds.pipe();
        watch(p[0], READ);
        for (int i = 0; i < 5; i++) {
            long start = System.nanoTime();
            assertEquals(Map.of(), poll(300_000L));
            assertTrue(System.nanoTime() - start >= 300_000L, "returned early");
        }
    }

    @Test
    void aThousandPipesReportExactlyTheReadyOnesAndGrowTheArray() throws IOException {
        int pipes = 1000;
        int[][] all = new int[pipes][];
        for (int i = 0; i < pipes; i++) {
            all[i] = fds.pipe();
            watch(all[i][0], READ);
        }
        assertEquals(pipes + 1, backend.entryCount());
        assertTrue(backend.entryCapacity() >= pipes + 1);
        Map<Integer, Integer> expected = new HashMap<>();
        for (int i = 0; i < pipes; i += 7) {
            fds.writeByte(all[i][1]);
            expected.put(all[i][0], READ);
        }
        assertEquals(expected, poll(1000 * MS));
        for (int i = 0; i < pipes; i += 2) {                 // remove half, from all over the array
            backend.modify(all[i][0], all[i][0], null, READ, 0, false);
            expected.remove(all[i][0]);
        }
        assertEquals(pipes / 2 + 1, backend.entryCount());
        assertEquals(expected, poll(0));
        fds.writeByte(all[pipes - 1][1]);
        expected.put(all[pipes - 1][0], READ);
        assertEquals(expected, poll(0));
    }

    @Test
    void channelsAreRefusedAndCloseEndsTheBackend() {
        assertThrows(IllegalArgumentException.class, () -> backend.modify(0, -1, null, 0, READ, false));
        backend.close();
        backend.close();
        backend.wakeup();                                   // no-op after close
        assertThrows(IOException.class, () -> poll(0));
        assertThrows(IOException.class, () -> watch(0, READ));
    }

    @Test
    void sinkSeesNothingForTheWakeupFd() throws IOException {
        BackendChecks.wakeupsAreNotReported(backend);
    }

    @Test
    void pollAllocatesNothingOnceCompiled() throws Exception {
        BackendChecks.pollAllocatesNothingOnceCompiled(backend, fds);
    }
}
