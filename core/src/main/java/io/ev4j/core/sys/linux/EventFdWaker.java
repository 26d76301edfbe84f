package io.ev4j.core.sys.linux;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Reference;
import java.util.concurrent.locks.StampedLock;

/// The eventfd a native backend watches so that other threads can end its poll early.
///
/// ```java
/// EventFdWaker waker = new EventFdWaker(sys);   // watch waker.fd() for reading
/// waker.wakeup();                               // any thread: the fd becomes readable
/// waker.drain();                                // loop thread, after the poll saw it
/// ```
///
/// [#wakeup()] is safe from any thread, even concurrently with or after [#close()] (then it
/// does nothing): a read lock keeps the fd number from being closed and reused under a
/// write. [#drain()] and [#close()] are for the loop thread. Nothing is allocated per call.
public final class EventFdWaker implements AutoCloseable {
    /// The 8-byte 1 that [#wakeup()] writes; never freed, shared by every instance and thread.
    private static final MemorySegment ONE = Arena.global().allocateFrom(ValueLayout.JAVA_LONG, 1L);

    private final Syscalls sys;
    private final StampedLock lock = new StampedLock();
    private final MemorySegment drained = Arena.ofAuto().allocate(ValueLayout.JAVA_LONG);
    private volatile int fd;

    /// Opens a non-blocking, close-on-exec eventfd through `sys`.
    ///
    /// @throws IOException `eventfd` failed (an [io.ev4j.core.ErrnoException])
    public EventFdWaker(Syscalls sys) throws IOException {
        this.sys = sys;
        int efd = sys.eventfd();
        if (efd < 0) {
            throw Errno.exception("eventfd", null, -efd);
        }
        fd = efd;
    }

    /// The eventfd, or -1 once closed.
    public int fd() {
        return fd;
    }

    /// Makes the eventfd readable. Any thread.
    public void wakeup() {
        long stamp = lock.readLock();
        try {
            int efd = fd;
            if (efd >= 0) {
                Syscalls.writeNoErrno(efd, ONE.address(), 8);
            }
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /// Reads the counter back to 0 (`EAGAIN` when already drained is fine). Loop thread.
    public void drain() {
        sys.read(fd, drained.address(), 8);
        Reference.reachabilityFence(drained);
    }

    /// Closes the eventfd. Idempotent.
    @Override
    public void close() {
        long stamp = lock.writeLock();
        try {
            int efd = fd;
            fd = -1;
            if (efd >= 0) {
                sys.close(efd);
            }
        } finally {
            lock.unlockWrite(stamp);
        }
    }
}
