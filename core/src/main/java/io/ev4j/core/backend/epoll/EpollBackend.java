package io.ev4j.core.backend.epoll;

import io.ev4j.core.backend.Backend;
import io.ev4j.core.sys.linux.EpollAbi;
import io.ev4j.core.sys.linux.Errno;
import io.ev4j.core.sys.linux.EventFdWaker;
import io.ev4j.core.sys.linux.NativeBackend;
import io.ev4j.core.sys.linux.Syscalls;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.nio.channels.SelectableChannel;
import java.util.Arrays;

import static io.ev4j.core.sys.linux.EpollAbi.EPOLLERR;
import static io.ev4j.core.sys.linux.EpollAbi.EPOLLHUP;
import static io.ev4j.core.sys.linux.EpollAbi.EPOLLIN;
import static io.ev4j.core.sys.linux.EpollAbi.EPOLLOUT;
import static io.ev4j.core.sys.linux.EpollAbi.EPOLLRDHUP;
import static io.ev4j.core.sys.linux.EpollAbi.EPOLL_CLOEXEC;
import static io.ev4j.core.sys.linux.EpollAbi.EPOLL_CTL_ADD;
import static io.ev4j.core.sys.linux.EpollAbi.EPOLL_CTL_DEL;
import static io.ev4j.core.sys.linux.EpollAbi.EPOLL_CTL_MOD;

/// The `epoll` backend: level-triggered Linux epoll, with an eventfd for [#wakeup()].
///
/// ```java
/// if (EpollBackend.isSupported()) {
///     try (EpollBackend epoll = new EpollBackend()) {
///         epoll.modify(fd, fd, null, 0, Backend.READ, false);
///         epoll.poll(-1, (slot, ready) -> System.out.println(slot + " ready " + ready));
///     }
/// }
/// ```
///
/// ## Guarantees and caveats
/// - Slot == fd. [#modify] issues at most two `epoll_ctl` calls: an `ADD` that finds the fd
///   already registered becomes a `MOD`, a `MOD` that finds it unknown becomes an `ADD` (this
///   also re-registers an fd number the user closed and reopened, with or without
///   `forceRegister`). Removing an fd the user already closed is not an error.
/// - **Closed and reused fds.** Each fd has a generation, bumped on every `ADD` and stored in
///   the epoll `data` beside the fd. Events whose generation is stale, or for an fd no longer
///   watched, are dropped. They only come from a registration the kernel kept because the
///   old file is still open elsewhere (a `dup`, a child process); as such a level-triggered
///   registration would fire forever, the epoll set is then rebuilt from scratch.
/// - [#poll] allocates nothing: the native events array (64 to start) is reused and doubles
///   when a poll fills it. Timeouts round up to whole milliseconds, so a poll never returns
///   before its timeout unless something is ready or it is woken.
/// - Hang-up and error (`EPOLLHUP`, `EPOLLERR`) report both [#READ] and [#WRITE], each only if
///   watched.
/// - Loop thread only, except [#wakeup()], which any thread may call, even concurrently or
///   after [#close()] (then it does nothing).
public final class EpollBackend implements Backend, NativeBackend {
    /// The epoll `data` of the eventfd: the low 32 bits, `-1`, are never a real fd.
    private static final long WAKE_DATA = -1L;
    private static final int INITIAL_EVENTS = 64;
    private static final int MAX_EVENTS = 1 << 20;
    private static final int READ_BITS = EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLRDHUP;
    private static final int WRITE_BITS = EPOLLOUT | EPOLLERR | EPOLLHUP;

    private final Syscalls sys;
    private final EventFdWaker waker;
    private int epfd;
    private int[] masks = new int[64];
    private int[] generations = new int[64];
    private MemorySegment events;
    private int capacity;

    /// Opens an epoll instance and its wake-up eventfd, with a [Syscalls] of its own.
    ///
    /// @throws IOException `epoll_create1` or `eventfd` failed (an [io.ev4j.core.ErrnoException])
    public EpollBackend() throws IOException {
        this(new Syscalls());
    }

    /// Like [#EpollBackend()], making its calls through `sys` (then owned by this backend's
    /// loop thread).
    public EpollBackend(Syscalls sys) throws IOException {
        this.sys = sys;
        int ep = sys.epollCreate1(EPOLL_CLOEXEC);
        if (ep < 0) {
            throw Errno.exception("epoll_create1", null, -ep);
        }
        try {
            waker = new EventFdWaker(sys);
        } catch (IOException e) {
            sys.close(ep);
            throw e;
        }
        int r = sys.epollCtl(ep, EPOLL_CTL_ADD, waker.fd(), EPOLLIN, WAKE_DATA);
        if (r < 0) {
            waker.close();
            sys.close(ep);
            throw Errno.exception("epoll_ctl", "eventfd " + waker.fd(), -r);
        }
        epfd = ep;
        allocateEvents(INITIAL_EVENTS);
    }

    /// True if this JVM can run the backend: Linux on x86-64, AArch64 or RISC-V, native access
    /// enabled for this module, and the C functions found. Never throws.
    public static boolean isSupported() {
        return NativeBackend.isUsableHere();
    }

    @Override
    public String name() {
        return "epoll";
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
        NativeBackend.requireFd("epoll", fd, channel);
        ensureOpen();
        ensureCapacity(fd);
        if (newMask == 0) {
            masks[fd] = 0;
            if (oldMask != 0) {
                int r = sys.epollCtl(epfd, EPOLL_CTL_DEL, fd, 0, 0L);
                // EBADF / ENOENT: the fd was closed first, and the kernel has forgotten it.
                if (r < 0 && r != -Errno.EBADF && r != -Errno.ENOENT) {
                    throw Errno.exception("epoll_ctl", "fd " + fd, -r);
                }
            }
            return;
        }
        int events = toEpoll(newMask);
        int r;
        if (oldMask == 0) {
            r = add(epfd, fd, events);
            if (r == -Errno.EEXIST) {
                r = sys.epollCtl(epfd, EPOLL_CTL_MOD, fd, events, EpollAbi.data(fd, generations[fd]));
            }
        } else {
            // Also the forceRegister case: MOD finds a reopened fd unknown, and ADD registers it.
            r = sys.epollCtl(epfd, EPOLL_CTL_MOD, fd, events, EpollAbi.data(fd, generations[fd]));
            if (r == -Errno.ENOENT) {
                r = add(epfd, fd, events);
            }
        }
        if (r < 0) {
            masks[fd] = 0;
            throw Errno.exception("epoll_ctl", "fd " + fd, -r);
        }
        masks[fd] = newMask & (READ | WRITE);
    }

    @Override
    public int poll(long timeoutNs, ReadySink sink) throws IOException {
        ensureOpen();
        MemorySegment array = events;
        int n = sys.epollWait(epfd, array.address(), capacity, timeoutMillis(timeoutNs));
        if (n < 0) {
            if (n == -Errno.EINTR) {
                return 0;
            }
            throw Errno.exception("epoll_wait", "epfd " + epfd, -n);
        }
        int reported = 0;
        boolean stale = false;
        for (int i = 0; i < n; i++) {
            long data = EpollAbi.data(array, i);
            if (data == WAKE_DATA) {
                waker.drain();
                continue;
            }
            int fd = EpollAbi.fd(data);
            if (fd < 0 || fd >= masks.length || masks[fd] == 0
                    || generations[fd] != EpollAbi.generation(data)) {
                stale = true;
                continue;
            }
            int got = EpollAbi.events(array, i);
            int ready = ((got & READ_BITS) != 0 ? READ : 0) | ((got & WRITE_BITS) != 0 ? WRITE : 0);
            ready &= masks[fd];
            if (ready != 0) {
                sink.ready(fd, ready);
                reported++;
            }
        }
        Reference.reachabilityFence(array);
        if (n == capacity && capacity < MAX_EVENTS) {
            allocateEvents(capacity * 2);
        }
        if (stale) {
            reported += rebuild(sink);
        }
        return reported;
    }

    @Override
    public void wakeup() {
        waker.wakeup();
    }

    /// Closes the epoll fd and the eventfd. Idempotent.
    @Override
    public void close() {
        if (epfd < 0) {
            return;
        }
        sys.close(epfd);
        epfd = -1;
        waker.close();
    }

    /// The epoll fd: readable whenever a [#poll] would report something (a ready fd or a
    /// wake-up), so another loop can poll it to run this one ([io.ev4j.core.EmbedWatcher]). It
    /// changes when the epoll set is rebuilt (see the class comment), and is -1 once closed.
    @Override
    public int embedFd() {
        return epfd;
    }

    /// The current size of the native events array (for tests).
    int eventsCapacity() {
        return capacity;
    }

    /// The current epoll fd (for tests).
    int epollFd() {
        return epfd;
    }

    /// `timeoutNs` as `epoll_wait` milliseconds: negative → -1 (no limit), 0 → 0, otherwise
    /// rounded up, at most [Integer#MAX_VALUE].
    static int timeoutMillis(long timeoutNs) {
        if (timeoutNs < 0) {
            return -1;
        }
        long ms = timeoutNs / 1_000_000 + (timeoutNs % 1_000_000 == 0 ? 0 : 1);
        return (int) Math.min(ms, Integer.MAX_VALUE);
    }

    private int add(int ep, int fd, int events) {
        int generation = generations[fd] + 1;
        int r = sys.epollCtl(ep, EPOLL_CTL_ADD, fd, events, EpollAbi.data(fd, generation));
        if (r == 0) {
            generations[fd] = generation;
        }
        return r;
    }

    /// Replaces the epoll instance by a new one holding only the current registrations (each
    /// with a new generation). Fds that cannot be registered again (closed while watched) are
    /// reported ready once, so that their next read or write surfaces the error.
    private int rebuild(ReadySink sink) throws IOException {
        int fresh = sys.epollCreate1(EPOLL_CLOEXEC);
        if (fresh < 0) {
            throw Errno.exception("epoll_create1", null, -fresh);
        }
        int r = sys.epollCtl(fresh, EPOLL_CTL_ADD, waker.fd(), EPOLLIN, WAKE_DATA);
        if (r < 0) {
            sys.close(fresh);
            throw Errno.exception("epoll_ctl", "eventfd " + waker.fd(), -r);
        }
        sys.close(epfd);
        epfd = fresh;
        int reported = 0;
        for (int fd = 0; fd < masks.length; fd++) {
            if (masks[fd] != 0 && add(fresh, fd, toEpoll(masks[fd])) < 0) {
                sink.ready(fd, masks[fd]);
                reported++;
            }
        }
        return reported;
    }

    private void allocateEvents(int count) {
        events = Arena.ofAuto().allocate(EpollAbi.EPOLL_EVENT, count);
        capacity = count;
    }

    private void ensureCapacity(int fd) {
        if (fd >= masks.length) {
            int size = Math.max(fd + 1, masks.length * 2);
            masks = Arrays.copyOf(masks, size);
            generations = Arrays.copyOf(generations, size);
        }
    }

    private void ensureOpen() throws IOException {
        if (epfd < 0) {
            throw new IOException("epoll backend is closed");
        }
    }

    private static int toEpoll(int mask) {
        return ((mask & READ) != 0 ? EPOLLIN : 0) | ((mask & WRITE) != 0 ? EPOLLOUT : 0);
    }
}
