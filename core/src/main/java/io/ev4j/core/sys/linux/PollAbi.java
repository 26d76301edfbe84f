package io.ev4j.core.sys.linux;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/// The `poll(2)` ABI: constants, `struct pollfd` and `struct timespec`.
///
/// ```java
/// MemorySegment fds = arena.allocate(PollAbi.POLLFD, 16);
/// PollAbi.set(fds, 0, fd, PollAbi.POLLIN);
/// int n = calls.ppoll(fds.address(), 1, 5_000_000L);      // a PollSyscall
/// boolean readable = (PollAbi.revents(fds, 0) & PollAbi.POLLIN) != 0;
/// ```
///
/// Constants come from `<bits/poll.h>`; their values are the same on every architecture the
/// project supports. `struct pollfd` is `{ int fd; short events; short revents; }`: 8 bytes,
/// `events` at 4, `revents` at 6, on every Linux ABI. `struct timespec` on LP64 Linux is
/// `{ time_t tv_sec; long tv_nsec; }`: 16 bytes. Both are pinned by `AbiLayoutTest`.
///
/// A negative `fd` makes the kernel skip an entry (it ignores `events` and sets `revents` to
/// 0), which the poll backend uses to park an entry whose fd was closed.
public final class PollAbi {
    private PollAbi() {
    }

    // <bits/poll.h>
    public static final short POLLIN = 0x001;
    public static final short POLLPRI = 0x002;
    public static final short POLLOUT = 0x004;
    public static final short POLLERR = 0x008;
    public static final short POLLHUP = 0x010;
    public static final short POLLNVAL = 0x020;
    /// `<bits/poll.h>` under `_GNU_SOURCE`: the peer shut down its writing half.
    public static final short POLLRDHUP = 0x2000;

    /// `struct pollfd`.
    public static final StructLayout POLLFD = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("fd"),
            ValueLayout.JAVA_SHORT.withName("events"),
            ValueLayout.JAVA_SHORT.withName("revents"));

    /// `struct timespec` (LP64).
    public static final StructLayout TIMESPEC = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("tv_sec"),
            ValueLayout.JAVA_LONG.withName("tv_nsec"));

    /// `sizeof(struct pollfd)`: 8.
    public static final long POLLFD_SIZE = POLLFD.byteSize();
    /// Offset of `fd`: 0.
    public static final long FD_OFFSET = offset(POLLFD, "fd");
    /// Offset of `events`: 4.
    public static final long EVENTS_OFFSET = offset(POLLFD, "events");
    /// Offset of `revents`: 6.
    public static final long REVENTS_OFFSET = offset(POLLFD, "revents");
    /// Offset of `tv_sec`: 0.
    public static final long TV_SEC_OFFSET = offset(TIMESPEC, "tv_sec");
    /// Offset of `tv_nsec`: 8.
    public static final long TV_NSEC_OFFSET = offset(TIMESPEC, "tv_nsec");

    private static final VarHandle FD = handle(POLLFD, "fd");
    private static final VarHandle EVENTS = handle(POLLFD, "events");
    private static final VarHandle REVENTS = handle(POLLFD, "revents");

    /// The `fd` of element `index` of an array of `struct pollfd`.
    public static int fd(MemorySegment array, int index) {
        return (int) FD.get(array, index * POLLFD_SIZE);
    }

    /// The `events` of element `index`, as an unsigned 16-bit value.
    public static int events(MemorySegment array, int index) {
        return Short.toUnsignedInt((short) EVENTS.get(array, index * POLLFD_SIZE));
    }

    /// The `revents` of element `index`, as an unsigned 16-bit value.
    public static int revents(MemorySegment array, int index) {
        return Short.toUnsignedInt((short) REVENTS.get(array, index * POLLFD_SIZE));
    }

    /// Sets the `fd` of element `index` (negative: the kernel skips the entry).
    public static void setFd(MemorySegment array, int index, int fd) {
        FD.set(array, index * POLLFD_SIZE, fd);
    }

    /// Writes element `index`: `fd`, `events`, and `revents` cleared.
    public static void set(MemorySegment array, int index, int fd, int events) {
        FD.set(array, index * POLLFD_SIZE, fd);
        EVENTS.set(array, index * POLLFD_SIZE, (short) events);
        REVENTS.set(array, index * POLLFD_SIZE, (short) 0);
    }

    /// Writes `timeoutNs` (>= 0) into the `struct timespec` at offset 0 of `dst`.
    public static void setTimespec(MemorySegment dst, long timeoutNs) {
        dst.set(ValueLayout.JAVA_LONG, TV_SEC_OFFSET, timeoutNs / 1_000_000_000L);
        dst.set(ValueLayout.JAVA_LONG, TV_NSEC_OFFSET, timeoutNs % 1_000_000_000L);
    }

    private static long offset(StructLayout layout, String field) {
        return layout.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }

    private static VarHandle handle(StructLayout layout, String field) {
        return layout.varHandle(MemoryLayout.PathElement.groupElement(field));
    }
}
