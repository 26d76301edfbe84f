package io.ev4j.core.sys.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/// Timers that notify through a file descriptor (`man 2 timerfd_create`), here on the
/// real-time clock: an fd that becomes readable when the timer expires or, with
/// [#TFD_TIMER_CANCEL_ON_SET], as soon as someone sets the system time.
///
/// ```java
/// TimerFd timers = new TimerFd();
/// int fd = timers.create();                                   // CLOCK_REALTIME, non-blocking
/// timers.setAbsolute(fd, deadlineEpochNs, true);              // also wake on a clock set
/// long r = timers.read(fd);  // expirations, -EAGAIN (not yet), or -ECANCELED (clock was set)
/// ```
///
/// Conventions as in [Syscalls]: results or `-errno`, one thread at a time per instance (it
/// owns its errno, `struct itimerspec` and counter segments), nothing allocated per call.
/// Close the fd with [Syscalls#close]. Constants and the layout are those of
/// `<sys/timerfd.h>`, `<linux/timerfd.h>`, `<linux/time.h>` and `<bits/types/struct_itimerspec.h>`.
public final class TimerFd {
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    // <linux/time.h>
    public static final int CLOCK_REALTIME = 0;
    // <linux/timerfd.h>
    public static final int TFD_TIMER_ABSTIME = 1;
    public static final int TFD_TIMER_CANCEL_ON_SET = 2;
    public static final int TFD_NONBLOCK = Syscalls.O_NONBLOCK;
    public static final int TFD_CLOEXEC = Syscalls.O_CLOEXEC;

    /// `struct timespec` on LP64 Linux: `time_t tv_sec; long tv_nsec;`.
    public static final StructLayout TIMESPEC = MemoryLayout.structLayout(
            JAVA_LONG.withName("tv_sec"),
            JAVA_LONG.withName("tv_nsec"));
    /// `struct itimerspec`: the reload interval (0: one-shot), then the first expiry.
    public static final StructLayout ITIMERSPEC = MemoryLayout.structLayout(
            TIMESPEC.withName("it_interval"),
            TIMESPEC.withName("it_value"));
    public static final long INTERVAL_SEC_OFFSET = 0;
    public static final long INTERVAL_NSEC_OFFSET = 8;
    public static final long VALUE_SEC_OFFSET = 16;
    public static final long VALUE_NSEC_OFFSET = 24;
    public static final int ITIMERSPEC_SIZE = 32;

    private static final MethodHandle CREATE = Syscalls.link("timerfd_create", true, true,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SETTIME = Syscalls.link("timerfd_settime", true, true,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle READ = Syscalls.link("read", true, true,
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));

    private final MemorySegment errno;
    private final MemorySegment spec;
    private final MemorySegment expirations;

    /// Allocates this instance's errno, `itimerspec` and counter segments (freed when it is
    /// unreachable).
    public TimerFd() {
        Arena arena = Arena.ofAuto();
        errno = arena.allocate(CAPTURE);
        spec = arena.allocate(ITIMERSPEC);
        expirations = arena.allocate(JAVA_LONG);
    }

    /// `timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC)`: a new, disarmed timer fd.
    public int create() {
        try {
            return (int) check((int) CREATE.invokeExact(errno, CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC));
        } catch (Throwable t) {
            throw Syscalls.unexpected(t);
        }
    }

    /// `timerfd_settime(fd, TFD_TIMER_ABSTIME [| TFD_TIMER_CANCEL_ON_SET], {0, at}, NULL)`: a
    /// one-shot expiry when the real-time clock reaches `atEpochNs`. With `cancelOnSet`, any
    /// setting of the clock before then makes the fd readable and the next [#read] fail with
    /// `-ECANCELED`, after which the timer must be set again. 0 or `-errno`.
    ///
    /// @throws IllegalArgumentException `atEpochNs` is not positive (0 would disarm the timer)
    public int setAbsolute(int fd, long atEpochNs, boolean cancelOnSet) {
        if (atEpochNs <= 0) {
            throw new IllegalArgumentException("an absolute expiry must be after the epoch, got " + atEpochNs + " ns");
        }
        int flags = TFD_TIMER_ABSTIME | (cancelOnSet ? TFD_TIMER_CANCEL_ON_SET : 0);
        return set(fd, flags, atEpochNs / 1_000_000_000L, atEpochNs % 1_000_000_000L, 0);
    }

    /// `timerfd_settime(fd, 0, {interval, after}, NULL)`: expires `afterNs` from now, then
    /// every `intervalNs` (0: once). `afterNs` 0 disarms the timer. 0 or `-errno`.
    ///
    /// @throws IllegalArgumentException a negative time
    public int setRelative(int fd, long afterNs, long intervalNs) {
        if (afterNs < 0 || intervalNs < 0) {
            throw new IllegalArgumentException("timer times must be >= 0 ns, got " + afterNs + " and " + intervalNs);
        }
        return set(fd, 0, afterNs / 1_000_000_000L, afterNs % 1_000_000_000L, intervalNs);
    }

    private int set(int fd, int flags, long valueSec, long valueNsec, long intervalNs) {
        spec.set(JAVA_LONG, INTERVAL_SEC_OFFSET, intervalNs / 1_000_000_000L);
        spec.set(JAVA_LONG, INTERVAL_NSEC_OFFSET, intervalNs % 1_000_000_000L);
        spec.set(JAVA_LONG, VALUE_SEC_OFFSET, valueSec);
        spec.set(JAVA_LONG, VALUE_NSEC_OFFSET, valueNsec);
        try {
            return (int) check((int) SETTIME.invokeExact(errno, fd, flags, spec, MemorySegment.NULL));
        } catch (Throwable t) {
            throw Syscalls.unexpected(t);
        }
    }

    /// `read(fd, &u64, 8)`: the number of expirations since the last read (at least 1),
    /// `-EAGAIN` when there were none, or `-ECANCELED` when the clock was set under a
    /// cancel-on-set timer.
    public long read(int fd) {
        try {
            long r = check((long) READ.invokeExact(errno, fd, expirations, 8L));
            return r < 0 ? r : expirations.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw Syscalls.unexpected(t);
        }
    }

    private long check(long r) {
        return r == -1 ? -(int) ERRNO.get(errno, 0L) : r;
    }
}
