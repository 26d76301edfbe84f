package io.ev4j.core.sys.linux;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.File;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.StructLayout;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// Pins `siginfo_t`, `struct pidfd_info` and the wait constants to the headers, and reads a
/// real `siginfo_t` from the kernel through a process descriptor.
@Timeout(20)
@EnabledOnOs(OS.LINUX)
class WaitAbiTest {

    private static long offset(StructLayout layout, String field) {
        return layout.byteOffset(PathElement.groupElement(field));
    }

    @Test
    void siginfoMatchesAsmGenericSiginfoH() {
        assertEquals(128, WaitAbi.SIGINFO.byteSize());
        assertEquals(0, offset(WaitAbi.SIGINFO, "si_signo"));
        assertEquals(8, offset(WaitAbi.SIGINFO, "si_code"));
        assertEquals(WaitAbi.SI_CODE_OFFSET, offset(WaitAbi.SIGINFO, "si_code"));
        assertEquals(WaitAbi.SI_PID_OFFSET, offset(WaitAbi.SIGINFO, "si_pid"));
        assertEquals(16, WaitAbi.SI_PID_OFFSET);
        assertEquals(WaitAbi.SI_STATUS_OFFSET, offset(WaitAbi.SIGINFO, "si_status"));
        assertEquals(24, WaitAbi.SI_STATUS_OFFSET);
    }

    @Test
    void pidfdInfoMatchesLinuxPidfdH() {
        assertEquals(WaitAbi.PIDFD_INFO_SIZE, WaitAbi.PIDFD_INFO.byteSize());
        assertEquals(WaitAbi.INFO_MASK_OFFSET, offset(WaitAbi.PIDFD_INFO, "mask"));
        assertEquals(WaitAbi.INFO_EXIT_CODE_OFFSET, offset(WaitAbi.PIDFD_INFO, "exit_code"));
        assertEquals(0xC040FF0BL, WaitAbi.PIDFD_GET_INFO);
        assertEquals(8, WaitAbi.PIDFD_INFO_EXIT);
    }

    @Test
    void waitConstantsMatchLinuxWaitH() {
        assertEquals(3, WaitAbi.P_PIDFD);
        assertEquals(1, WaitAbi.WNOHANG);
        assertEquals(2, WaitAbi.WSTOPPED);
        assertEquals(4, WaitAbi.WEXITED);
        assertEquals(8, WaitAbi.WCONTINUED);
        assertEquals(0x01000000, WaitAbi.WNOWAIT);
        assertEquals(1, WaitAbi.CLD_EXITED);
        assertEquals(2, WaitAbi.CLD_KILLED);
        assertEquals(3, WaitAbi.CLD_DUMPED);
        assertEquals(5, WaitAbi.CLD_STOPPED);
        assertEquals(434, WaitAbi.SYS_PIDFD_OPEN);
    }

    @Test
    void waitStatusWordsDecodeAsBitsWaitstatusH() {
        assertTrue(WaitAbi.exited(0x0300));
        assertEquals(3, WaitAbi.exitStatus(0x0300));
        assertTrue(!WaitAbi.exited(0x0009));
        assertEquals(9, WaitAbi.termSig(0x0009));
        assertTrue(WaitAbi.coreDumped(0x0086));
        assertEquals(6, WaitAbi.termSig(0x0086));
    }

    /// The JDK's reaper thread takes exit statuses at once, but not stops: a stopped child's
    /// state stays readable, which fills every field the watcher reads.
    @Test
    void aRealSiginfoFromAStoppedChildHasItsPidCodeAndSignal() throws Exception {
        Process p = new ProcessBuilder("sleep", "30")
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        PidFd pidfds = new PidFd();
        Syscalls sys = new Syscalls();
        int fd = pidfds.open(p.pid());
        assertTrue(fd >= 0, "pidfd_open: " + fd);
        try {
            assertEquals(0, pidfds.waitidPeek(fd), "running: no exit status yet");
            int sigstop = new sun.misc.Signal("STOP").getNumber();
            assertEquals(0, pidfds.kill(p.pid(), sigstop));
            int r;
            long deadline = System.nanoTime() + 10_000_000_000L;
            do {
                r = pidfds.waitid(fd, WaitAbi.WSTOPPED | WaitAbi.WNOWAIT | WaitAbi.WNOHANG);
                Thread.onSpinWait();
            } while (r == 0 && System.nanoTime() < deadline);
            assertEquals(1, r);
            assertEquals(p.pid(), WaitAbi.siPid(pidfds.siginfo()));
            assertEquals(WaitAbi.CLD_STOPPED, WaitAbi.siCode(pidfds.siginfo()));
            assertEquals(sigstop, WaitAbi.siStatus(pidfds.siginfo()));
            assertThrows(IllegalArgumentException.class, () -> pidfds.waitid(fd, WaitAbi.WEXITED));
        } finally {
            p.destroyForcibly();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            assertEquals(0, sys.close(fd));
        }
        assertEquals(-Errno.ESRCH, pidfds.open(p.pid()), "reaped by the JDK: gone");
    }
}
