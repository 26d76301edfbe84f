package io.ev4j.core.sys.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// Pipes and eventfds for backend tests, each closed by [#close()], which then checks that the
/// process has as many fds open as when the fixture was made.
///
/// ```java
/// FdFixture fds = new FdFixture();
/// int[] p = fds.pipe();
/// fds.writeByte(p[1]);
/// fds.close();                     // fails if anything the test opened is still open
/// ```
public final class FdFixture implements AutoCloseable {
    /// The fixture's system calls, for the backend under test to share.
    public final Syscalls sys = new Syscalls();
    /// 64 bytes of scratch memory.
    public final MemorySegment buf;
    private final Arena arena = Arena.ofShared();
    private final List<Integer> opened = new ArrayList<>();
    private final long fdsBefore = OpenFds.count();

    public FdFixture() {
        buf = arena.allocate(64);
    }

    /// A non-blocking pipe: `[read end, write end]`.
    public int[] pipe() {
        int[] p = new int[2];
        assertEquals(0, sys.pipe2(p));
        opened.add(p[0]);
        opened.add(p[1]);
        return p;
    }

    /// A non-blocking eventfd: always writable, readable once signalled.
    public int eventfd() {
        int fd = sys.eventfd();
        assertTrue(fd >= 0);
        opened.add(fd);
        return fd;
    }

    /// Takes `fd` (opened elsewhere) to be closed with the rest.
    public void own(int fd) {
        opened.add(fd);
    }

    /// Closes `fd` now.
    public void closeFd(int fd) {
        assertEquals(0, sys.close(fd));
        opened.remove(Integer.valueOf(fd));
    }

    /// Writes one byte to `fd`.
    public void writeByte(int fd) {
        assertEquals(1, sys.write(fd, buf.address(), 1));
    }

    /// Adds 1 to an eventfd's counter, making it readable.
    public void signal(int eventfd) {
        buf.set(ValueLayout.JAVA_LONG, 0, 1L);
        assertEquals(8, sys.write(eventfd, buf.address(), 8));
    }

    /// Closes every fd still open and checks the process's fd count is back where it was.
    @Override
    public void close() {
        for (int fd : opened) {
            sys.close(fd);
        }
        opened.clear();
        arena.close();
        assertEquals(fdsBefore, OpenFds.count(), "open fds");
    }
}
