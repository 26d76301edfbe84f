package io.ev4j.core.backend.poll;

import io.ev4j.core.backend.Backend;
import io.ev4j.core.sys.linux.Errno;
import io.ev4j.core.sys.linux.EventFdWaker;
import io.ev4j.core.sys.linux.NativeBackend;
import io.ev4j.core.sys.linux.PollAbi;
import io.ev4j.core.sys.linux.PollSyscall;
import io.ev4j.core.sys.linux.Syscalls;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.nio.channels.SelectableChannel;
import java.util.Arrays;

import static io.ev4j.core.sys.linux.PollAbi.POLLERR;
import static io.ev4j.core.sys.linux.PollAbi.POLLHUP;
import static io.ev4j.core.sys.linux.PollAbi.POLLIN;
import static io.ev4j.core.sys.linux.PollAbi.POLLNVAL;
import static io.ev4j.core.sys.linux.PollAbi.POLLOUT;
import static io.ev4j.core.sys.linux.PollAbi.POLLRDHUP;

/// The `poll` backend: level-triggered Linux `poll(2)`, with an eventfd for [#wakeup()].
///
/// ```java
/// Loop loop = Loop.builder().backend(BackendKind.POLL).build();   // or -Dev4j.backend=poll
/// ```
///
/// Every poll hands the kernel the whole set, so a poll costs time in proportion to the number
/// of watched fds, where epoll's costs it in proportion to the number of ready ones. It is
/// here for comparison and for kernels or sandboxes where epoll is unwelcome; it is never the
/// default.
///
/// ## Guarantees and caveats
/// - Slot == fd. The set is a dense native array of `struct pollfd` (entry 0 is the wake-up
///   eventfd) plus an fd → entry index: [#modify] adds, changes and removes in O(1) (a removal
///   moves the last entry into the hole) and makes no system call, except that an fd new to
///   the set is checked to be open (`fcntl(F_GETFD)`), so that a closed fd is refused at once,
///   as epoll refuses it. The loop's batched changes thus cost nothing until the poll.
/// - **Timeouts in nanoseconds.** The wait is `ppoll` with a `struct timespec` (no signal
///   mask), so a 0.3 ms timeout waits 0.3 ms: never rounded down to a busy 0, never up to a
///   whole millisecond, and never shorter than asked unless something is ready or it is woken.
///   An interrupted wait (`EINTR`) returns 0 and the loop polls again.
/// - Hang-up and error (`POLLHUP`, `POLLERR`) report both [#READ] and [#WRITE], each only if
///   watched.
/// - **A watched fd closed behind the loop's back** (`POLLNVAL`) is reported once as ready for
///   what was watched, so that the watcher's next read or write surfaces the error, and then
///   parked (its entry's fd made negative, which the kernel skips), so that it cannot make the
///   poll return at once forever. A later change to that slot checks the fd again: reopened,
///   it is watched again; still closed, the change fails and the loop feeds its watchers an
///   error event. An fd number closed and reused before a poll noticed is simply watched
///   under its new file, as with any `poll` user.
/// - Regular files are accepted and always ready, as `poll(2)` has it (epoll refuses them).
/// - Not embeddable: a poll set has no fd of its own for another loop to watch
///   ([#embedFd()] is -1).
/// - [#poll] allocates nothing; the array doubles (in [#modify]) when full.
/// - Loop thread only, except [#wakeup()], which any thread may call, even concurrently or
///   after [#close()] (then it does nothing).
public final class PollBackend implements Backend, NativeBackend {
    private static final int INITIAL_ENTRIES = 64;
    /// Entry 0 of the array: the wake-up eventfd. `indexOfFd[fd] == WAKE_ENTRY` means "not watched".
    private static final int WAKE_ENTRY = 0;
    private static final int READ_BITS = POLLIN | POLLRDHUP;
    private static final int TROUBLE_BITS = POLLERR | POLLHUP | POLLNVAL;

    private final Syscalls sys;
    private final PollSyscall calls = new PollSyscall();
    private final EventFdWaker waker;
    private MemorySegment entries;
    private int capacity;
    private int count;
    private int[] indexOfFd = new int[64];
    private boolean closed;

    /// Opens the wake-up eventfd, with a [Syscalls] of its own.
    ///
    /// @throws IOException `eventfd` failed (an [io.ev4j.core.ErrnoException])
    public PollBackend() throws IOException {
        this(new Syscalls());
    }

    /// Like [#PollBackend()], making its calls through `sys` (then owned by this backend's
    /// loop thread).
    public PollBackend(Syscalls sys) throws IOException {
        this.sys = sys;
        this.waker = new EventFdWaker(sys);
        allocate(INITIAL_ENTRIES);
        PollAbi.set(entries, WAKE_ENTRY, waker.fd(), POLLIN);
        count = 1;
    }

    /// True if this JVM can run the backend: as for epoll (Linux, native access enabled for
    /// this module), and `ppoll` found. Never throws.
    public static boolean isSupported() {
        try {
            return NativeBackend.isUsableHere() && PollSyscall.linked();
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }

    @Override
    public String name() {
        return "poll";
    }

    @Override
    public boolean watchesFds() {
        return true;
    }

    @Override
    public Syscalls syscalls() {
        return sys;
    }

    @Override
    public void modify(int slot, int fd, SelectableChannel channel, int oldMask, int newMask,
                       boolean forceRegister) throws IOException {
        NativeBackend.requireFd("poll", fd, channel);
        ensureOpen();
        int index = fd < indexOfFd.length ? indexOfFd[fd] : WAKE_ENTRY;
        if (newMask == 0) {
            if (index != WAKE_ENTRY) {
                removeEntry(index, fd);
            }
            return;
        }
        int events = toPoll(newMask);
        if (index == WAKE_ENTRY) {
            checkIsOpen(fd);
            if (fd >= indexOfFd.length) {
                indexOfFd = Arrays.copyOf(indexOfFd, Math.max(fd + 1, indexOfFd.length * 2));
            }
            if (count == capacity) {
                allocate(capacity * 2);
            }
            index = count++;
            indexOfFd[fd] = index;
        } else if (forceRegister || PollAbi.fd(entries, index) < 0) {
            try {
                checkIsOpen(fd);                    // reopened, or parked after POLLNVAL
            } catch (IOException e) {
                removeEntry(index, fd);
                throw e;
            }
        }
        PollAbi.set(entries, index, fd, events);
    }

    @Override
    public int poll(long timeoutNs, ReadySink sink) throws IOException {
        ensureOpen();
        MemorySegment array = entries;
        int n = calls.ppoll(array.address(), count, timeoutNs);
        if (n < 0) {
            if (n == -Errno.EINTR) {
                return 0;
            }
            throw Errno.exception("ppoll", count + " fds", -n);
        }
        int reported = 0;
        for (int i = 0, seen = 0; i < count && seen < n; i++) {
            int got = PollAbi.revents(array, i);
            if (got == 0) {
                continue;
            }
            seen++;
            if (i == WAKE_ENTRY) {
                waker.drain();
                continue;
            }
            int fd = PollAbi.fd(array, i);
            int watched = toMask(PollAbi.events(array, i));
            int ready = (got & TROUBLE_BITS) != 0 ? watched
                    : ((got & READ_BITS) != 0 ? READ : 0) | ((got & POLLOUT) != 0 ? WRITE : 0);
            if ((got & POLLNVAL) != 0) {
                PollAbi.setFd(array, i, -fd - 1);   // parked: the kernel skips negative fds
            }
            ready &= watched;
            if (ready != 0) {
                sink.ready(fd, ready);
                reported++;
            }
        }
        Reference.reachabilityFence(array);
        return reported;
    }

    @Override
    public void wakeup() {
        waker.wakeup();
    }

    /// Closes the eventfd. Idempotent; watched fds are not closed.
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        waker.close();
    }

    /// Entries in the array, the wake-up eventfd included (for tests).
    int entryCount() {
        return count;
    }

    /// Room in the array (for tests).
    int entryCapacity() {
        return capacity;
    }

    /// True if `fd` is in the set but parked after `POLLNVAL` (for tests).
    boolean isParked(int fd) {
        return fd < indexOfFd.length && indexOfFd[fd] != WAKE_ENTRY && PollAbi.fd(entries, indexOfFd[fd]) < 0;
    }

    /// Moves the last entry into `index` and forgets `fd`.
    private void removeEntry(int index, int fd) {
        int last = count - 1;
        if (index != last) {
            int movedFd = PollAbi.fd(entries, last);
            int movedEvents = PollAbi.events(entries, last);
            PollAbi.set(entries, index, movedFd, movedEvents);
            indexOfFd[movedFd >= 0 ? movedFd : -movedFd - 1] = index;
        }
        indexOfFd[fd] = WAKE_ENTRY;
        count = last;
    }

    private void checkIsOpen(int fd) throws IOException {
        int r = sys.fcntl(fd, Syscalls.F_GETFD, 0);
        if (r < 0) {
            throw Errno.exception("fcntl", "fd " + fd + " (poll backend: is it open?)", -r);
        }
    }

    private void allocate(int entryCount) {
        MemorySegment grown = Arena.ofAuto().allocate(PollAbi.POLLFD, entryCount);
        if (entries != null) {
            MemorySegment.copy(entries, 0, grown, 0, count * PollAbi.POLLFD_SIZE);
        }
        entries = grown;
        capacity = entryCount;
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("poll backend is closed");
        }
    }

    private static int toPoll(int mask) {
        return ((mask & READ) != 0 ? POLLIN | POLLRDHUP : 0) | ((mask & WRITE) != 0 ? POLLOUT : 0);
    }

    private static int toMask(int pollEvents) {
        return ((pollEvents & POLLIN) != 0 ? READ : 0) | ((pollEvents & POLLOUT) != 0 ? WRITE : 0);
    }
}
