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
}
