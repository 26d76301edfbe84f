package io.ev4j.core.sys.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/// File-system change notification (`man 7 inotify`): an fd that becomes readable when a
/// watched inode changes, and the `struct inotify_event` records read from it.
///
/// ```java
/// Inotify inotify = new Inotify();
/// int fd = inotify.init1();                                  // non-blocking, close-on-exec
/// int wd = inotify.addWatch(fd, "/tmp/x".getBytes(), Inotify.IN_MODIFY | Inotify.IN_ATTRIB);
/// long n = inotify.read(fd);                                 // -EAGAIN when nothing is queued
/// for (int at = 0; at < n; at = Inotify.next(inotify.events(), at)) {
///     int mask = Inotify.mask(inotify.events(), at);
/// }
/// ```
///
/// Conventions as in [Syscalls]: results or `-errno`, one thread at a time per instance (it
/// owns its errno, path and event buffers), nothing allocated per call. Close the fd with
/// [Syscalls#close]. Constants and the record layout are those of `<linux/inotify.h>`.
public final class Inotify {
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    // <linux/inotify.h>
    public static final int IN_MODIFY = 0x0000_0002;
    public static final int IN_ATTRIB = 0x0000_0004;
    public static final int IN_CLOSE_WRITE = 0x0000_0008;
    public static final int IN_MOVED_FROM = 0x0000_0040;
    public static final int IN_MOVED_TO = 0x0000_0080;
    public static final int IN_CREATE = 0x0000_0100;
    public static final int IN_DELETE = 0x0000_0200;
    public static final int IN_DELETE_SELF = 0x0000_0400;
    public static final int IN_MOVE_SELF = 0x0000_0800;
    public static final int IN_UNMOUNT = 0x0000_2000;
    public static final int IN_Q_OVERFLOW = 0x0000_4000;
    public static final int IN_IGNORED = 0x0000_8000;
    public static final int IN_ISDIR = 0x4000_0000;
    public static final int IN_NONBLOCK = Syscalls.O_NONBLOCK;
    public static final int IN_CLOEXEC = Syscalls.O_CLOEXEC;

    /// `struct inotify_event` without its trailing name: 16 bytes, then `len` bytes of name
    /// (NUL-padded; `len` is 0 for events about the watched inode itself).
    public static final StructLayout INOTIFY_EVENT = MemoryLayout.structLayout(
            JAVA_INT.withName("wd"),
            JAVA_INT.withName("mask"),
            JAVA_INT.withName("cookie"),
            JAVA_INT.withName("len"));
    public static final long WD_OFFSET = 0;
    public static final long MASK_OFFSET = 4;
    public static final long LEN_OFFSET = 12;
    public static final int EVENT_HEADER_SIZE = 16;
    /// Room for many events per read; at least one event with the longest name
    /// (`NAME_MAX` 255, plus NUL and padding) fits many times over.
    public static final int EVENTS_BUFFER_SIZE = 16 * 1024;
    /// `PATH_MAX` from `<linux/limits.h>`, NUL included.
    public static final int PATH_MAX = 4096;

    private static final MethodHandle INIT1 = Syscalls.link("inotify_init1", true, true,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    // Resolves a path: may wait on a slow file system, so not a critical call.
    private static final MethodHandle ADD_WATCH = Syscalls.link("inotify_add_watch", false, true,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RM_WATCH = Syscalls.link("inotify_rm_watch", true, true,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle READ = Syscalls.link("read", true, true,
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));

    private static volatile Boolean supported;

    private final MemorySegment errno;
    private final MemorySegment path;
    private final MemorySegment events;

    /// Allocates this instance's errno, path and event buffers (freed when it is unreachable).
    public Inotify() {
        Arena arena = Arena.ofAuto();
        errno = arena.allocate(CAPTURE);
        path = arena.allocate(PATH_MAX);
        events = arena.allocate(EVENTS_BUFFER_SIZE, 8);
    }

    /// True if this kernel and C library give inotify fds: probed once, on this process.
    public static boolean isSupported() {
        Boolean s = supported;
        if (s == null) {
            int fd = new Inotify().init1();
            s = fd >= 0;
            if (fd >= 0) {
                new Syscalls().close(fd);
            }
            supported = s;
        }
        return s;
    }

    /// `inotify_init1(IN_NONBLOCK | IN_CLOEXEC)`: a new inotify fd.
    public int init1() {
        try {
            return check((int) INIT1.invokeExact(errno, IN_NONBLOCK | IN_CLOEXEC));
        } catch (Throwable t) {
            throw Syscalls.unexpected(t);
        }
    }

    /// `inotify_add_watch(fd, pathname, mask)`: the watch descriptor (the same one again for
    /// an inode this fd watches already, whose mask is then replaced), or `-errno`: `-ENOENT`
    /// when the path does not exist, `-ENOSPC` when the user's watch limit is reached.
    ///
    /// @param pathBytes the path as the file system spells it, without a NUL
    /// @throws IllegalArgumentException the path is longer than [#PATH_MAX] or holds a NUL
    public int addWatch(int fd, byte[] pathBytes, int mask) {
        if (pathBytes.length >= PATH_MAX) {
            throw new IllegalArgumentException("path of " + pathBytes.length + " bytes is longer than PATH_MAX");
        }
        for (byte b : pathBytes) {
            if (b == 0) {
                throw new IllegalArgumentException("path holds a NUL byte");
            }
        }
        MemorySegment.copy(pathBytes, 0, path, ValueLayout.JAVA_BYTE, 0, pathBytes.length);
        path.set(ValueLayout.JAVA_BYTE, pathBytes.length, (byte) 0);
        try {
            return check((int) ADD_WATCH.invokeExact(errno, fd, path, mask));
        } catch (Throwable t) {
            throw Syscalls.unexpected(t);
        }
    }

    /// `inotify_rm_watch(fd, wd)`: 0, or `-EINVAL` if the kernel has dropped the watch already
    /// (its `IN_IGNORED` may still be queued).
    public int rmWatch(int fd, int wd) {
        try {
            return check((int) RM_WATCH.invokeExact(errno, fd, wd));
        } catch (Throwable t) {
            throw Syscalls.unexpected(t);
        }
    }

    /// `read(fd, events, EVENTS_BUFFER_SIZE)`: bytes of whole records read into [#events()],
    /// or `-EAGAIN` when none are queued.
    public long read(int fd) {
        try {
            return check((long) READ.invokeExact(errno, fd, events, (long) EVENTS_BUFFER_SIZE));
        } catch (Throwable t) {
            throw Syscalls.unexpected(t);
        }
    }

    /// The buffer the last [#read] filled.
    public MemorySegment events() {
        return events;
    }

    /// The watch descriptor of the record at `offset` (-1 for `IN_Q_OVERFLOW`).
    public static int wd(MemorySegment events, int offset) {
        return events.get(JAVA_INT, offset + WD_OFFSET);
    }

    /// The event bits of the record at `offset`.
    public static int mask(MemorySegment events, int offset) {
        return events.get(JAVA_INT, offset + MASK_OFFSET);
    }

    /// The name length (NUL padding included) of the record at `offset`; 0 when the event is
    /// about the watched inode itself.
    public static int nameLength(MemorySegment events, int offset) {
        return events.get(JAVA_INT, offset + LEN_OFFSET);
    }

    /// True if the record at `offset` names exactly `name` (the bytes of one path element).
    public static boolean nameEquals(MemorySegment events, int offset, byte[] name) {
        int length = nameLength(events, offset);
        if (name.length >= length) {
            return false;                            // no room for the name and its NUL
        }
        long at = offset + EVENT_HEADER_SIZE;
        for (int i = 0; i < name.length; i++) {
            if (events.get(ValueLayout.JAVA_BYTE, at + i) != name[i]) {
                return false;
            }
        }
        return events.get(ValueLayout.JAVA_BYTE, at + name.length) == 0;
    }

    /// The offset of the record after the one at `offset`.
    public static int next(MemorySegment events, int offset) {
        return offset + EVENT_HEADER_SIZE + nameLength(events, offset);
    }

    private int check(int r) {
        return r == -1 ? -(int) ERRNO.get(errno, 0L) : r;
    }

    private long check(long r) {
        return r == -1 ? -(int) ERRNO.get(errno, 0L) : r;
    }
}
