package io.ev4j.core.sys.linux;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/// The process-exit ABI: `waitid` constants, the `SIGCHLD` part of `siginfo_t`, and
/// `struct pidfd_info`.
///
/// ```java
/// int r = pidfd.waitidPeek(fd);                 // fills the instance's siginfo scratch
/// if (r > 0 && WaitAbi.siCode(siginfo) == WaitAbi.CLD_EXITED) exitCode = WaitAbi.siStatus(siginfo);
/// ```
///
/// Constants come from `<bits/waitflags.h>`, `<bits/siginfo-consts.h>` and `<linux/wait.h>`;
/// `struct pidfd_info` from `<linux/pidfd.h>` (Linux 6.15, `PIDFD_INFO_SIZE_VER0`). The
/// `siginfo_t` offsets are those of the 64-bit ABIs (x86-64, AArch64): three ints, padding to
/// 16, then the `_sigchld` member of the union.
public final class WaitAbi {
    private WaitAbi() {
    }

    // <linux/wait.h>
    public static final int P_PID = 1;
    public static final int P_PIDFD = 3;
    public static final int WNOHANG = 0x1;
    public static final int WSTOPPED = 0x2;
    public static final int WEXITED = 0x4;
    public static final int WCONTINUED = 0x8;
    public static final int WNOWAIT = 0x0100_0000;

    // <bits/siginfo-consts.h>, si_code of SIGCHLD
    public static final int CLD_EXITED = 1;
    public static final int CLD_KILLED = 2;
    public static final int CLD_DUMPED = 3;
    public static final int CLD_TRAPPED = 4;
    public static final int CLD_STOPPED = 5;
    public static final int CLD_CONTINUED = 6;

    /// `<asm/unistd_64.h>`: `pidfd_open` has the same number on x86-64 and AArch64.
    public static final long SYS_PIDFD_OPEN = 434;

    /// `siginfo_t`, only the fields a `SIGCHLD` wait fills; 128 bytes in all.
    public static final StructLayout SIGINFO = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("si_signo"),
            ValueLayout.JAVA_INT.withName("si_errno"),
            ValueLayout.JAVA_INT.withName("si_code"),
            MemoryLayout.paddingLayout(4),
            ValueLayout.JAVA_INT.withName("si_pid"),
            ValueLayout.JAVA_INT.withName("si_uid"),
            ValueLayout.JAVA_INT.withName("si_status"),
            MemoryLayout.paddingLayout(128 - 28));
    public static final long SI_CODE_OFFSET = 8;
    public static final long SI_PID_OFFSET = 16;
    public static final long SI_STATUS_OFFSET = 24;

    /// `<linux/pidfd.h>`: `PIDFD_INFO_EXIT`, asks for (and reports) the exit status.
    public static final long PIDFD_INFO_EXIT = 1L << 3;
    /// `<linux/pidfd.h>`: `PIDFD_INFO_SIZE_VER0`.
    public static final int PIDFD_INFO_SIZE = 64;
    /// `<linux/pidfd.h>`: `PIDFD_GET_INFO`, `_IOWR(0xFF, 11, struct pidfd_info)` for the
    /// version-0 struct: direction 3 in bits 30-31, size in bits 16-29, type, number.
    public static final long PIDFD_GET_INFO = (3L << 30) | ((long) PIDFD_INFO_SIZE << 16) | (0xFFL << 8) | 11;

    /// `struct pidfd_info`, version 0.
    public static final StructLayout PIDFD_INFO = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("mask"),
            ValueLayout.JAVA_LONG.withName("cgroupid"),
            ValueLayout.JAVA_INT.withName("pid"),
            ValueLayout.JAVA_INT.withName("tgid"),
            ValueLayout.JAVA_INT.withName("ppid"),
            ValueLayout.JAVA_INT.withName("ruid"),
            ValueLayout.JAVA_INT.withName("rgid"),
            ValueLayout.JAVA_INT.withName("euid"),
            ValueLayout.JAVA_INT.withName("egid"),
            ValueLayout.JAVA_INT.withName("suid"),
            ValueLayout.JAVA_INT.withName("sgid"),
            ValueLayout.JAVA_INT.withName("fsuid"),
            ValueLayout.JAVA_INT.withName("fsgid"),
            ValueLayout.JAVA_INT.withName("exit_code"));
    public static final long INFO_MASK_OFFSET = 0;
    public static final long INFO_EXIT_CODE_OFFSET = 60;

    /// `si_code` of a filled `siginfo_t`: one of the `CLD_*` values.
    public static int siCode(MemorySegment siginfo) {
        return siginfo.get(ValueLayout.JAVA_INT, SI_CODE_OFFSET);
    }

    /// `si_pid`: 0 when a `WNOHANG` wait found no state change.
    public static int siPid(MemorySegment siginfo) {
        return siginfo.get(ValueLayout.JAVA_INT, SI_PID_OFFSET);
    }

    /// `si_status`: the exit code for `CLD_EXITED`, else the signal number.
    public static int siStatus(MemorySegment siginfo) {
        return siginfo.get(ValueLayout.JAVA_INT, SI_STATUS_OFFSET);
    }

    // <bits/waitstatus.h>: decoding a wait status word, as pidfd_info.exit_code holds one.

    /// `WIFEXITED(status)`.
    public static boolean exited(int status) {
        return (status & 0x7f) == 0;
    }

    /// `WEXITSTATUS(status)`.
    public static int exitStatus(int status) {
        return (status >> 8) & 0xff;
    }

    /// `WTERMSIG(status)`; meaningful when not [#exited].
    public static int termSig(int status) {
        return status & 0x7f;
    }

    /// `WCOREDUMP(status)`.
    public static boolean coreDumped(int status) {
        return (status & 0x80) != 0;
    }
}
