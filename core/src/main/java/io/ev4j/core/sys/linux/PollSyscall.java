package io.ev4j.core.sys.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/// `ppoll(2)`: `poll(2)` with a nanosecond timeout, for the poll backend.
///
/// ```java
/// PollSyscall calls = new PollSyscall();
/// int n = calls.ppoll(fds.address(), count, 300_000L);    // waits at most 0.3 ms
/// if (n < 0 && n != -Errno.EINTR) throw Errno.exception("ppoll", null, -n);
/// ```
///
/// Conventions as in [Syscalls]: the result or `-errno`, one thread at a time per instance
/// (it owns its errno and `struct timespec` segments), nothing allocated per call. The array is
/// passed by address, so the caller keeps it alive for the call. `ppoll` blocks, so it is not
/// linked as a critical call. No signal mask is passed (`NULL`): the thread's mask stays as it
/// is, which makes this exactly `poll` with a finer timeout.
public final class PollSyscall {
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    /// `int ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *tmo, const sigset_t *mask)`,
    /// pointers as `JAVA_LONG` addresses (see [Syscalls]).
    private static final MethodHandle PPOLL = Syscalls.link("ppoll", false, true,
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));

    private final MemorySegment errno;
    private final MemorySegment timespec;

    /// Allocates this instance's errno and timespec segments (freed when it is unreachable).
    public PollSyscall() {
        Arena arena = Arena.ofAuto();
        errno = arena.allocate(CAPTURE);
        timespec = arena.allocate(PollAbi.TIMESPEC);
    }

    /// True once `ppoll` is linked; calling it links it. Throws a [LinkageError] if it cannot be.
    public static boolean linked() {
        return PPOLL != null;
    }

    /// `ppoll(fds, nfds, timeout, NULL)`: the number of entries with a non-zero `revents`.
    /// `timeoutNs < 0` waits without limit, 0 does not wait; otherwise the kernel waits at
    /// least that long (never less), unless an entry is ready or a signal interrupts the call
    /// (`-EINTR`).
    public int ppoll(long fdsAddress, long nfds, long timeoutNs) {
        long timeoutAddress = 0L;
        if (timeoutNs >= 0) {
            PollAbi.setTimespec(timespec, timeoutNs);
            timeoutAddress = timespec.address();
        }
        try {
            int r = (int) PPOLL.invokeExact(errno, fdsAddress, nfds, timeoutAddress, 0L);
            return r == -1 ? -(int) ERRNO.get(errno, 0L) : r;
        } catch (Throwable t) {
            throw Syscalls.unexpected(t);
        }
    }
}
