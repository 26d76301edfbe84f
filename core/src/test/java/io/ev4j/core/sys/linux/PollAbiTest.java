package io.ev4j.core.sys.linux;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// Pins `struct pollfd`, `struct timespec` and the poll constants to `<poll.h>`,
/// `<bits/poll.h>` and `<bits/types/struct_timespec.h>`, and checks `ppoll` on a real pipe.
@Timeout(10)
@EnabledOnOs(OS.LINUX)
class PollAbiTest {

    @Test
    void pollfdMatchesSysPollH() {
        assertEquals(8, PollAbi.POLLFD_SIZE);
        assertEquals(0, PollAbi.FD_OFFSET);
        assertEquals(4, PollAbi.EVENTS_OFFSET);
        assertEquals(6, PollAbi.REVENTS_OFFSET);
    }

    @Test
    void timespecIsTwoLongs() {
        assertEquals(16, PollAbi.TIMESPEC.byteSize());
        assertEquals(0, PollAbi.TV_SEC_OFFSET);
        assertEquals(8, PollAbi.TV_NSEC_OFFSET);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ts = arena.allocate(PollAbi.TIMESPEC);
            PollAbi.setTimespec(ts, 2_000_000_123L);
            assertEquals(2, ts.get(ValueLayout.JAVA_LONG, 0));
            assertEquals(123, ts.get(ValueLayout.JAVA_LONG, 8));
        }
    }

    @Test
    void constantsMatchBitsPollH() {
        assertEquals(0x001, PollAbi.POLLIN);
        assertEquals(0x002, PollAbi.POLLPRI);
        assertEquals(0x004, PollAbi.POLLOUT);
        assertEquals(0x008, PollAbi.POLLERR);
        assertEquals(0x010, PollAbi.POLLHUP);
        assertEquals(0x020, PollAbi.POLLNVAL);
        assertEquals(0x2000, PollAbi.POLLRDHUP);
    }

    @Test
    void arrayAccessReadsBackWhatWasWrittenAndKeepsReventsUnsigned() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment array = arena.allocate(PollAbi.POLLFD, 3);
            PollAbi.set(array, 2, 42, PollAbi.POLLIN | PollAbi.POLLRDHUP);
            assertEquals(42, array.get(ValueLayout.JAVA_INT, 16));
            assertEquals(42, PollAbi.fd(array, 2));
            assertEquals(PollAbi.POLLIN | PollAbi.POLLRDHUP, PollAbi.events(array, 2));
            array.set(ValueLayout.JAVA_SHORT, 22, (short) 0x8001);
            assertEquals(0x8001, PollAbi.revents(array, 2));
            PollAbi.setFd(array, 2, -43);
            assertEquals(-43, PollAbi.fd(array, 2));
        }
    }

    @Test
    void ppollReportsAReadablePipeAndWaitsOutASubMillisecondTimeout() {
        Syscalls sys = new Syscalls();
        PollSyscall calls = new PollSyscall();
        int[] p = new int[2];
        assertEquals(0, sys.pipe2(p));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment array = arena.allocate(PollAbi.POLLFD, 1);
            PollAbi.set(array, 0, p[0], PollAbi.POLLIN);
            long start = System.nanoTime();
            assertEquals(0, calls.ppoll(array.address(), 1, 300_000L));
            assertTrue(System.nanoTime() - start >= 300_000L, "a 0.3 ms timeout returned early");
            MemorySegment one = arena.allocate(8);
            assertEquals(1, sys.write(p[1], one.address(), 1));
            assertEquals(1, calls.ppoll(array.address(), 1, -1));
            assertEquals(PollAbi.POLLIN, PollAbi.revents(array, 0));
        } finally {
            sys.close(p[0]);
            sys.close(p[1]);
        }
    }
}
