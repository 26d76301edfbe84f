package io.ev4j.core.sys.linux;

/// A backend that makes Linux system calls, and lends its [Syscalls] to the sockets of its loop.
///
/// ```java
/// Syscalls sys = loop.backend() instanceof NativeBackend nb ? nb.syscalls() : new Syscalls();
/// ```
///
/// The instance is the loop's: use it from the loop thread only, like the loop.
public interface NativeBackend {

    /// The loop's system-call instance (its errno and scratch segments).
    Syscalls syscalls();

    /// True if this JVM can run a native backend: Linux on x86-64, AArch64 or RISC-V, native
    /// access enabled for this module, and the C functions found. Never throws.
    static boolean isUsableHere() {
        try {
            if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("linux")) {
                return false;
            }
            String arch = System.getProperty("os.arch", "");
            if (!(arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64")
                    || arch.equals("riscv64"))) {
                return false;
            }
            return NativeBackend.class.getModule().isNativeAccessEnabled() && Syscalls.linked();
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }

    /// Checks the handle [io.ev4j.core.backend.Backend#modify] got: an fd, not a channel.
    ///
    /// @throws IllegalArgumentException naming the backend and what it got instead
    static void requireFd(String backendName, int fd, java.nio.channels.SelectableChannel channel) {
        if (fd < 0 || channel != null) {
            throw new IllegalArgumentException(backendName + " watches file descriptors, got fd " + fd
                    + (channel != null ? " and a channel" : ""));
        }
    }
}
