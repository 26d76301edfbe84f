package io.ev4j.core.backend;

import java.io.IOException;
import java.nio.channels.SelectableChannel;

/// What a loop needs from an OS readiness mechanism, and nothing more.
///
/// ```java
/// Loop loop = Loop.builder().backend(myBackend).build();
/// ```
///
/// A backend sees slots, descriptors and bit masks, never watchers. The loop owns the backend
/// and calls it from the loop thread only, except [#wakeup()].
///
/// ## Contract
/// - **Level-triggered.** While a watched handle stays ready, every [#poll] reports it again.
/// - **Slots.** The loop names each watched handle by a non-negative `slot`. A backend that
///   [watches fds][#watchesFds()] gets `slot == fd`; a channel backend gets small integers the
///   loop allocates and reuses. [ReadySink#ready] reports readiness by slot.
/// - **Errors on a handle** (hang-up, socket error) are reported as readiness for both
///   [#READ] and [#WRITE] (those that are watched), so that the next read or write surfaces
///   the error.
/// - **Batched changes.** The loop calls [#modify] at most once per slot per iteration, with the
///   net change, just before [#poll].
///
/// This interface may change before 1.0.
public interface Backend extends AutoCloseable {

    /// Interest in and readiness for reading (for a listening socket: a connection to accept).
    int READ = 1;
    /// Interest in and readiness for writing (for a connecting socket: the connect finished).
    int WRITE = 2;

    /// The name users select this backend by: `epoll`, `poll`, `nio` (later `io_uring`).
    String name();

    /// True if this backend watches raw file descriptors, false if it watches
    /// [SelectableChannel]s. The loop refuses io watchers of the other kind before they get here.
    boolean watchesFds();

    /// Starts, changes or stops watching one handle.
    ///
    /// `oldMask == 0` adds it; `newMask == 0` removes it. When `forceRegister` is set, the
    /// handle may be new to the kernel even though `oldMask != 0` (the user closed the old fd
    /// and opened a new one with the same number) and the backend must re-register it, not
    /// merely update it.
    ///
    /// Exactly one of `fd` (>= 0, with `channel == null`) and `channel` (with `fd == -1`) is
    /// given, matching [#watchesFds()].
    ///
    /// @throws IOException the handle cannot be watched (closed, not pollable); the loop then
    ///         stops the watchers on that slot and feeds them an error event
    void modify(int slot, int fd, SelectableChannel channel, int oldMask, int newMask,
                boolean forceRegister) throws IOException;

    /// Waits at most `timeoutNs` (0: do not block; -1: no limit) and reports each ready slot to
    /// `sink`. A wake-up by [#wakeup()] or an interrupted system call ends the wait early and
    /// reports nothing for it.
    ///
    /// @return the number of slots reported
    int poll(long timeoutNs, ReadySink sink) throws IOException;

    /// A file descriptor that is readable whenever [#poll] would report something (a ready
    /// handle or a wake-up), or -1 if this backend has none. Another loop that watches fds can
    /// then poll this one's fd to run it ([io.ev4j.core.EmbedWatcher]). The fd
    /// belongs to the backend: never close it, and read it again before each poll of the other
    /// loop, as a backend may replace it.
    default int embedFd() {
        return -1;
    }

    /// Makes a blocked (or the next) [#poll] return soon. Safe from any thread. The loop
    /// coalesces calls, so a backend may do one system call per invocation.
    void wakeup();

    /// Releases the OS resources; watched handles themselves are not closed.
    @Override
    void close();

    /// Receives readiness from [#poll].
    @FunctionalInterface
    interface ReadySink {
        /// `readyMask` is a combination of [#READ] and [#WRITE].
        void ready(int slot, int readyMask);
    }
}
