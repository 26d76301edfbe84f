package io.ev4j.core.sys.linux;

import io.ev4j.core.BackendKind;
import io.ev4j.core.Events;
import io.ev4j.core.IoSource;
import io.ev4j.core.IoWatcher;
import io.ev4j.core.Loop;
import io.ev4j.core.TimerWatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemoryLayout.PathElement;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// Pins `struct itimerspec` and the timerfd constants to the headers, and runs real timer fds
/// through a loop. (The clock-set path cannot be run here: setting the system time would
/// disturb every other process on the machine.)
@Timeout(20)
@EnabledOnOs(OS.LINUX)
class TimerFdTest {
    private static final long MS = 1_000_000L;

    @Test
    void itimerspecMatchesBitsTypesStructItimerspecH() {
        assertEquals(16, TimerFd.TIMESPEC.byteSize());
        assertEquals(0, TimerFd.TIMESPEC.byteOffset(PathElement.groupElement("tv_sec")));
        assertEquals(8, TimerFd.TIMESPEC.byteOffset(PathElement.groupElement("tv_nsec")));
        assertEquals(32, TimerFd.ITIMERSPEC.byteSize());
        assertEquals(TimerFd.ITIMERSPEC_SIZE, TimerFd.ITIMERSPEC.byteSize());
        assertEquals(TimerFd.INTERVAL_SEC_OFFSET, TimerFd.ITIMERSPEC.byteOffset(
                PathElement.groupElement("it_interval"), PathElement.groupElement("tv_sec")));
        assertEquals(TimerFd.INTERVAL_NSEC_OFFSET, TimerFd.ITIMERSPEC.byteOffset(
                PathElement.groupElement("it_interval"), PathElement.groupElement("tv_nsec")));
        assertEquals(TimerFd.VALUE_SEC_OFFSET, TimerFd.ITIMERSPEC.byteOffset(
                PathElement.groupElement("it_value"), PathElement.groupElement("tv_sec")));
        assertEquals(TimerFd.VALUE_NSEC_OFFSET, TimerFd.ITIMERSPEC.byteOffset(
                PathElement.groupElement("it_value"), PathElement.groupElement("tv_nsec")));
        assertEquals(16, TimerFd.VALUE_SEC_OFFSET);
        assertEquals(24, TimerFd.VALUE_NSEC_OFFSET);
    }

    @Test
    void constantsMatchLinuxTimerfdHAndTimeH() {
        assertEquals(0, TimerFd.CLOCK_REALTIME);
        assertEquals(1, TimerFd.TFD_TIMER_ABSTIME);
        assertEquals(2, TimerFd.TFD_TIMER_CANCEL_ON_SET);
        assertEquals(04000, TimerFd.TFD_NONBLOCK);
        assertEquals(02000000, TimerFd.TFD_CLOEXEC);
        assertEquals(125, Errno.ECANCELED);
    }

    @Test
    void aNewTimerIsNonBlockingCloseOnExecAndDisarmed() {
        try (FdFixture fds = new FdFixture()) {
            TimerFd timers = new TimerFd();
            int fd = timers.create();
            assertTrue(fd >= 0, "timerfd_create: " + fd);
            fds.own(fd);
            assertEquals(Syscalls.FD_CLOEXEC, fds.sys.fcntl(fd, Syscalls.F_GETFD, 0) & Syscalls.FD_CLOEXEC);
            assertEquals(Syscalls.O_NONBLOCK, fds.sys.fcntl(fd, Syscalls.F_GETFL, 0) & Syscalls.O_NONBLOCK);
            assertEquals(-Errno.EAGAIN, timers.read(fd), "disarmed: nothing to read, and no blocking");
            long farNs = System.currentTimeMillis() * MS + Duration.ofDays(365).toNanos();
            assertEquals(0, timers.setAbsolute(fd, farNs, true));
            assertEquals(-Errno.EAGAIN, timers.read(fd), "armed a year out, cancel-on-set: nothing yet");
        }
    }

    @Test
    void badArgumentsAreRefusedByNameOrErrno() {
        TimerFd timers = new TimerFd();
        assertThrows(IllegalArgumentException.class, () -> timers.setAbsolute(-1, 0, true));
        assertThrows(IllegalArgumentException.class, () -> timers.setRelative(-1, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> timers.setRelative(-1, 1, -1));
        assertEquals(-Errno.EBADF, timers.setRelative(-1, MS, 0));
        assertEquals(-Errno.EBADF, timers.read(-1));
    }

    @Test
    void anAbsoluteTimeAlreadyPastExpiresAtOnce() {
        try (FdFixture fds = new FdFixture()) {
            TimerFd timers = new TimerFd();
            int fd = timers.create();
            fds.own(fd);
            long pastNs = System.currentTimeMillis() * MS - Duration.ofSeconds(1).toNanos();
            assertEquals(0, timers.setAbsolute(fd, pastNs, true));
            assertEquals(1, timers.read(fd), "one expiration, not a cancellation");
            assertEquals(-Errno.EAGAIN, timers.read(fd), "read clears it");
        }
    }

    /// A relative one-shot, then a repeating timer, seen through a real loop's io watcher on
    /// each native backend; the expiration count of the repeating one grows while unread.
    @ParameterizedTest
    @EnumSource(value = BackendKind.class, names = {"EPOLL", "POLL"})
    void expirationsMakeTheFdReadableInALoop(BackendKind kind) {
        try (FdFixture fds = new FdFixture(); Loop loop = Loop.builder().backend(kind).build()) {
            TimerFd timers = new TimerFd();
            int fd = timers.create();
            fds.own(fd);
            long[] reads = new long[2];
            int[] calls = {0};
            IoWatcher w = new IoWatcher(loop, IoSource.fd(fd), Events.READ, (x, e) -> {
                assertEquals(Events.READ, e);
                reads[calls[0]++] = timers.read(fd);
                x.stop();
            });
            long startNs = System.nanoTime();
            assertEquals(0, timers.setRelative(fd, 20 * MS, 0));
            w.start();
            loop.run();
            assertTrue(System.nanoTime() - startNs >= 20 * MS, "not before its time");
            assertEquals(1, calls[0]);
            assertEquals(1, reads[0]);

            assertEquals(0, timers.setRelative(fd, 2 * MS, 2 * MS));
            TimerWatcher later = new TimerWatcher(loop, (t, e) -> w.start());   // let several pass unread
            later.start(Duration.ofMillis(30), Duration.ZERO);
            loop.run();
            assertEquals(2, calls[0]);
            assertTrue(reads[1] >= 5, "expirations counted while unread: " + reads[1]);
            assertEquals(0, timers.setRelative(fd, 0, 0), "0 disarms");
            assertFalse(w.isActive());
        }
    }
}
