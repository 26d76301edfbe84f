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

/// Process descriptors (`pidfd_open`, Linux 5.3+) and the calls that read an exit status
/// through one without reaping the process.
///
/// ```java
/// PidFd pidfds = new PidFd();
/// int fd = pidfds.open(pid);                     // readable once the process has exited
/// if (pidfds.waitidPeek(fd) > 0) code = WaitAbi.siStatus(pidfds.siginfo());
/// ```
///
/// Conventions as in [Syscalls]: results or `-errno`, one thread at a time per instance (it
/// owns its errno and scratch segments), nothing allocated per call. Closing a pidfd is
/// [Syscalls#close].
public final class PidFd {
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final MethodHandle SYSCALL_2 = Syscalls.link("syscall", true, true,
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(1));
    private static final MethodHandle WAITID = Syscalls.link("waitid", true, true,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle IOCTL = Syscalls.link("ioctl", true, true,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle KILL = Syscalls.link("kill", true, true,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

    private static volatile Boolean supported;

    private final MemorySegment errno;
    private final MemorySegment siginfo;
    private final MemorySegment info;

    /// Allocates this instance's errno and scratch segments (freed when it is unreachable).
    public PidFd() {
        Arena arena = Arena.ofAuto();
        errno = arena.allocate(CAPTURE);
        siginfo = arena.allocate(WaitAbi.SIGINFO);
        info = arena.allocate(WaitAbi.PIDFD_INFO);
    }

    /// True if this kernel has `pidfd_open` and `waitid(P_PIDFD)`: probed once, on this process.
    public static boolean isSupported() {
        Boolean s = supported;
        if (s == null) {
            PidFd probe = new PidFd();
            int fd = probe.open(ProcessHandle.current().pid());
            s = fd >= 0;
            if (fd >= 0) {
                new Syscalls().close(fd);
            }
            supported = s;
        }
        return s;
    }

    /// `syscall(SYS_pidfd_open, pid, 0)`: a close-on-exec pidfd, readable once the process
    /// has exited; `-ESRCH` if no such process exists (any more).
    public int open(long pid) {
        try {
            return (int) check((long) SYSCALL_2.invokeExact(errno, WaitAbi.SYS_PIDFD_OPEN, pid, 0L));
        } catch (Throwable t) {
            throw Syscalls.unexpected(t);
        }
    }

    /// `waitid(P_PIDFD, pidfd, &siginfo, WEXITED | WNOWAIT | WNOHANG)`: 1 if an exit status was
    /// read into [#siginfo()] (the process stays a zombie, for its reaper), 0 if none is there
    /// yet, `-ECHILD` if it is not this process's child or has been reaped already.
    public int waitidPeek(int pidfd) {
        return waitid(pidfd, WaitAbi.WEXITED | WaitAbi.WNOWAIT | WaitAbi.WNOHANG);
    }

    /// `waitid(P_PIDFD, pidfd, &siginfo, options)` with `WNOHANG` in `options` (this call is
    /// linked as one that never blocks): 1 if a state change was read into [#siginfo()], 0 if
    /// none, or `-errno`.
    ///
    /// @throws IllegalArgumentException `options` lacks `WNOHANG`
    public int waitid(int pidfd, int options) {
        if ((options & WaitAbi.WNOHANG) == 0) {
            throw new IllegalArgumentException("waitid options must include WNOHANG, got 0x" + Integer.toHexString(options));
        }
        siginfo.fill((byte) 0);
        int r;
        try {
            r = (int) check((long) (int) WAITID.invokeExact(errno, WaitAbi.P_PIDFD, pidfd, siginfo, options));
        } catch (Throwable t) {
            throw Syscalls.unexpected(t);
        }
        return r < 0 ? r : (WaitAbi.siPid(siginfo) != 0 ? 1 : 0);
    }

    /// The `siginfo_t` the last [#waitidPeek] filled.
    public MemorySegment siginfo() {
        return siginfo;
    }

    /// `ioctl(pidfd, PIDFD_GET_INFO, &info)` asking for the exit status (Linux 6.15+): 0 on
    /// success (see [#infoHasExit()]), `-ESRCH` if the process was reaped without its status
    /// being kept, `-ENOTTY` or `-EINVAL` on kernels without it.
    public int getInfo(int pidfd) {
        info.fill((byte) 0);
        info.set(JAVA_LONG, WaitAbi.INFO_MASK_OFFSET, WaitAbi.PIDFD_INFO_EXIT);
        try {
            return (int) check((long) (int) IOCTL.invokeExact(errno, pidfd, WaitAbi.PIDFD_GET_INFO, info));
        } catch (Throwable t) {
            throw Syscalls.unexpected(t);
        }
    }

    /// True if the last [#getInfo] returned an exit status: the kernel keeps one from the
    /// moment the process is reaped.
    public boolean infoHasExit() {
        return (info.get(JAVA_LONG, WaitAbi.INFO_MASK_OFFSET) & WaitAbi.PIDFD_INFO_EXIT) != 0;
    }

    /// The wait status word of the last [#getInfo] (decode with [WaitAbi#exited] etc.).
    public int infoExitCode() {
        return info.get(JAVA_INT, WaitAbi.INFO_EXIT_CODE_OFFSET);
    }

    /// `kill(pid, signal)`.
    public int kill(long pid, int signal) {
        try {
            return (int) check((long) (int) KILL.invokeExact(errno, (int) pid, signal));
        } catch (Throwable t) {
            throw Syscalls.unexpected(t);
        }
    }

    private long check(long r) {
        return r == -1 ? -(int) ERRNO.get(errno, 0L) : r;
    }
}
