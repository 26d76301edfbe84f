package io.ev4j.core.backend.epoll;

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

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static io.ev4j.core.backend.Backend.READ;
import static io.ev4j.core.backend.Backend.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/// Drives [EpollBackend] through the backend SPI with pipes and eventfds.
@Timeout(20)
@EnabledOnOs(OS.LINUX)
class EpollBackendTest {
    private static final long MS = 1_000_000L;
    private FdFixture fds;
    private Syscalls sys;
    private EpollBackend epoll;

    @BeforeEach
    void open() throws IOException {
        fds = new FdFixture();
        sys = fds.sys;
        epoll = new EpollBackend(sys);
    }

    @AfterEach
    void closeAll() {
        epoll.close();
        fds.close();
    }

    /// Sorted fd → merged ready mask of one poll.
    private Map<Integer, Integer> poll(long timeoutNs) throws IOException {
        Map<Integer, Integer> ready = new TreeMap<>();
        int n = epoll.poll(timeoutNs, (slot, mask) -> ready.merge(slot, mask, (a, b) -> a | b));
        assertEquals(ready.size(), n, "count returned");
        return ready;
    }

    @Test
    void identity() {
        assertEquals("epoll", epoll.name());
        assertTrue(epoll.watchesFds());
        assertTrue(EpollBackend.isSupported());
    }

    @Test
    void readableAfterWrite() throws IOException {
        int[] p = fds.pipe();
        epoll.modify(p[0], p[0], null, 0, READ, false);
        assertEquals(Map.of(), poll(0));
        fds.writeByte(p[1]);
        assertEquals(Map.of(p[0], READ), poll(1000 * MS));
        assertEquals(Map.of(p[0], READ), poll(0), "level-triggered: still readable");
    }

    @Test
    void writeReady() throws IOException {
        int[] p = fds.pipe();
        epoll.modify(p[1], p[1], null, 0, WRITE, false);
        assertEquals(Map.of(p[1], WRITE), poll(1000 * MS));
    }

    @Test
    void modifyFromReadToWrite() throws IOException {
        int efd = fds.eventfd(); // always writable, readable once signalled
        fds.signal(efd);
        epoll.modify(efd, efd, null, 0, READ, false);
        assertEquals(Map.of(efd, READ), poll(0));
        epoll.modify(efd, efd, null, READ, WRITE, false);
        assertEquals(Map.of(efd, WRITE), poll(0));
        epoll.modify(efd, efd, null, WRITE, READ | WRITE, false);
        assertEquals(Map.of(efd, READ | WRITE), poll(0));
    }

    @Test
    void remove() throws IOException {
        int[] p = fds.pipe();
        fds.writeByte(p[1]);
        epoll.modify(p[0], p[0], null, 0, READ, false);
        assertEquals(Map.of(p[0], READ), poll(0));
        epoll.modify(p[0], p[0], null, READ, 0, false);
        assertEquals(Map.of(), poll(0));
    }

    @Test
    void removeAfterUserClosedFdIsQuiet() throws IOException {
        int[] p = fds.pipe();
        epoll.modify(p[0], p[0], null, 0, READ, false);
        fds.closeFd(p[0]);
        epoll.modify(p[0], p[0], null, READ, 0, false); // EBADF ignored
    }

    @Test
    void wakeupFromAnotherThreadEndsBlockingPoll() throws Exception {
        BackendChecks.wakeupFromAnotherThreadEndsABlockingPoll(epoll);
    }

    @Test
    void timeoutWithNothingReadyWaitsAtLeastTheTimeout() throws IOException {
        int[] p = fds.pipe();
        epoll.modify(p[0], p[0], null, 0, READ, false);
        long timeout = 30 * MS + 123_456; // rounds up to 31 ms
        long start = System.nanoTime();
        assertEquals(Map.of(), poll(timeout));
        assertTrue(System.nanoTime() - start >= timeout, "returned early");
    }

    @Test
    void timeoutRoundsUpToWholeMilliseconds() {
        assertEquals(0, EpollBackend.timeoutMillis(0));
        assertEquals(-1, EpollBackend.timeoutMillis(-1));
        assertEquals(1, EpollBackend.timeoutMillis(1));
        assertEquals(1, EpollBackend.timeoutMillis(MS));
        assertEquals(2, EpollBackend.timeoutMillis(MS + 1));
        assertEquals(Integer.MAX_VALUE, EpollBackend.timeoutMillis(Long.MAX_VALUE));
    }

    @Test
    void hangUpAfterWriterClosesReportsRead() throws IOException {
        int[] p = fds.pipe();
        epoll.modify(p[0], p[0], null, 0, READ, false);
        fds.closeFd(p[1]);
        assertEquals(Map.of(p[0], READ), poll(1000 * MS));
        assertEquals(0, sys.read(p[0], fds.buf.address(), 1), "end of file");
    }

    @Test
    void addingAClosedFdThrowsEbadf() {
        int[] p = fds.pipe();
        fds.closeFd(p[0]);
        ErrnoException e = assertThrows(ErrnoException.class,
                () -> epoll.modify(p[0], p[0], null, 0, READ, false));
        assertEquals("epoll_ctl", e.call());
        assertEquals("EBADF", e.errnoName());
        assertTrue(e.getMessage().contains("fd " + p[0]), e.getMessage());
    }

    @Test
    void regularFileCannotBeWatched() throws IOException {
        // Not Files.createTempFile: its SecureRandom keeps /dev/urandom open for good.
        Path file = Path.of(System.getProperty("java.io.tmpdir"),
                "ev4j-epoll-" + ProcessHandle.current().pid() + ".txt");
        file = Files.writeString(file, "not pollable").toRealPath();
        try (FileInputStream in = new FileInputStream(file.toFile())) {
            int fd = fdOf(file);
            ErrnoException e = assertThrows(ErrnoException.class,
                    () -> epoll.modify(fd, fd, null, 0, READ, false));
            assertEquals("EPERM", e.errnoName());
            assertEquals(Map.of(), poll(0));
        } finally {
            Files.delete(file);
        }
    }

    /// The fd this process has open on `file`, found through `/proc/self/fd`.
    private static int fdOf(Path file) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path link : (Iterable<Path>) fds::iterator) {
                try {
                    if (Files.readSymbolicLink(link).equals(file)) {
                        return Integer.parseInt(link.getFileName().toString());
                    }
                } catch (IOException gone) {
                    // the directory stream's own fd, closed by now
                }
            }
        }
        throw new AssertionError("no fd open on " + file);
    }

    @Test
    void channelsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> epoll.modify(0, -1, null, 0, READ, false));
    }

    @Test
    void reusedFdNumberGetsOnlyTheNewRegistrationsEvents() throws IOException {
        int[] old = fds.pipe();
        epoll.modify(old[0], old[0], null, 0, READ, false);
        fds.writeByte(old[1]);
        fds.closeFd(old[0]);
        fds.closeFd(old[1]);
        int[] fresh = fds.pipe();
        assumeTrue(fresh[0] == old[0], "fd number not reused");
        epoll.modify(fresh[0], fresh[0], null, READ, READ, true);
        assertEquals(Map.of(), poll(0), "the old pipe's data is gone with it");
        fds.writeByte(fresh[1]);
        assertEquals(Map.of(fresh[0], READ), poll(1000 * MS));
    }

    @Test
    void staleRegistrationOfADuplicatedFileIsDroppedAndForgotten() throws IOException {
        int[] old = fds.pipe();
        epoll.modify(old[0], old[0], null, 0, READ, false);
        int dup = sys.fcntl(old[0], Syscalls.F_DUPFD_CLOEXEC, 0);
        assertTrue(dup >= 0);
        fds.own(dup);
        fds.closeFd(old[0]); // the kernel keeps the registration: the file is still open as dup
        int[] fresh = fds.pipe();
        assumeTrue(fresh[0] == old[0], "fd number not reused");
        epoll.modify(fresh[0], fresh[0], null, READ, READ, true);
        int epfdBefore = epoll.epollFd();
        fds.writeByte(old[1]); // makes the stale registration fire
        assertEquals(Map.of(), poll(1000 * MS), "stale generation dropped");
        assertEquals(Map.of(), poll(0), "epoll set rebuilt: the stale registration is gone");
        assertTrue(epoll.epollFd() >= 0 && epfdBefore >= 0);
        fds.writeByte(fresh[1]);
        assertEquals(Map.of(fresh[0], READ), poll(1000 * MS));
        epoll.wakeup();
        assertEquals(Map.of(fresh[0], READ), poll(1000 * MS), "wake-up still registered");
    }

    @Test
    void fullPollGrowsTheEventsArray() throws IOException {
        assertEquals(64, epoll.eventsCapacity());
        int count = 70;
        for (int i = 0; i < count; i++) {
            int efd = fds.eventfd();
            fds.signal(efd);
            epoll.modify(efd, efd, null, 0, READ, false);
        }
        assertEquals(64, poll(0).size());
        assertEquals(128, epoll.eventsCapacity());
        assertEquals(count, poll(0).size());
    }

    @Test
    void closeIsIdempotentAndEndsTheBackend() {
        epoll.close();
        epoll.close();
        epoll.wakeup(); // no-op after close
        assertThrows(IOException.class, () -> poll(0));
        assertThrows(IOException.class, () -> epoll.modify(0, 0, null, 0, READ, false));
    }

    @Test
    void sinkSeesNothingForTheWakeupFd() throws IOException {
        BackendChecks.wakeupsAreNotReported(epoll);
    }

    @Test
    void pollAllocatesNothingOnceCompiled() throws Exception {
        BackendChecks.pollAllocatesNothingOnceCompiled(epoll, fds);
    }
}
