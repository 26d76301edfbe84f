package io.ev4j.core.sys.linux;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/// The epoll and eventfd ABI: constants and `struct epoll_event`.
///
/// ```java
/// long data = EpollAbi.data(fd, generation);
/// sys.epollCtl(epfd, EpollAbi.EPOLL_CTL_ADD, fd, EpollAbi.EPOLLIN, data);
/// int n = sys.epollWait(epfd, events.address(), capacity, timeoutMs);
/// int fd0 = EpollAbi.fd(EpollAbi.data(events, 0));
/// ```
///
/// Constants come from `<sys/epoll.h>` and `<sys/eventfd.h>` (and `<bits/epoll.h>`,
/// `<bits/eventfd.h>`); their values are the same on every architecture the project supports.
///
/// `struct epoll_event` is `{ uint32_t events; epoll_data_t data; }`, declared
/// `__attribute__((packed))` on x86-64 only: there it is 12 bytes with `data` at offset 4;
/// elsewhere 16 bytes with `data` at offset 8. [#EPOLL_EVENT] is the layout for this machine.
///
/// The backend stores an fd and a generation in the 64-bit `data`: [#data(int, int)] packs
/// them (generation in the high 32 bits), [#fd(long)] and [#generation(long)] unpack them.
public final class EpollAbi {
    private EpollAbi() {
    }

    // <sys/epoll.h>, enum EPOLL_EVENTS
    public static final int EPOLLIN = 0x001;
    public static final int EPOLLPRI = 0x002;
    public static final int EPOLLOUT = 0x004;
    public static final int EPOLLERR = 0x008;
    public static final int EPOLLHUP = 0x010;
    public static final int EPOLLRDHUP = 0x2000;
    public static final int EPOLLONESHOT = 1 << 30;
    public static final int EPOLLET = 1 << 31;

    // <sys/epoll.h>, epoll_ctl operations
    public static final int EPOLL_CTL_ADD = 1;
    public static final int EPOLL_CTL_DEL = 2;
    public static final int EPOLL_CTL_MOD = 3;

    /// `<bits/epoll.h>`: flag for `epoll_create1`, the same value as `O_CLOEXEC`.
    public static final int EPOLL_CLOEXEC = 0x80000;

    // <bits/eventfd.h>
    public static final int EFD_SEMAPHORE = 1;
    public static final int EFD_NONBLOCK = 0x800;
    public static final int EFD_CLOEXEC = 0x80000;

    /// True on x86-64, where `struct epoll_event` is packed.
    public static final boolean PACKED = isX86_64();

    /// `struct epoll_event` on this machine.
    public static final StructLayout EPOLL_EVENT = PACKED
            ? MemoryLayout.structLayout(
                    ValueLayout.JAVA_INT.withName("events"),
                    ValueLayout.JAVA_LONG_UNALIGNED.withName("data"))
            : MemoryLayout.structLayout(
                    ValueLayout.JAVA_INT.withName("events"),
                    MemoryLayout.paddingLayout(4),
                    ValueLayout.JAVA_LONG.withName("data"));

    /// `sizeof(struct epoll_event)`: 12 on x86-64, 16 elsewhere.
    public static final long SIZE = EPOLL_EVENT.byteSize();
    /// Offset of `events`: 0.
    public static final long EVENTS_OFFSET =
            EPOLL_EVENT.byteOffset(MemoryLayout.PathElement.groupElement("events"));
    /// Offset of `data`: 4 on x86-64, 8 elsewhere.
    public static final long DATA_OFFSET =
            EPOLL_EVENT.byteOffset(MemoryLayout.PathElement.groupElement("data"));

    /// `events` of a struct: coordinates `(MemorySegment, long structOffset)`, type `int`.
    public static final VarHandle EVENTS =
            EPOLL_EVENT.varHandle(MemoryLayout.PathElement.groupElement("events"));
    /// `data` of a struct: coordinates `(MemorySegment, long structOffset)`, type `long`.
    public static final VarHandle DATA =
            EPOLL_EVENT.varHandle(MemoryLayout.PathElement.groupElement("data"));

    /// The `events` field of element `index` of an array of `struct epoll_event`.
    public static int events(MemorySegment array, int index) {
        return (int) EVENTS.get(array, index * SIZE);
    }

    /// The `data` field of element `index` of an array of `struct epoll_event`.
    public static long data(MemorySegment array, int index) {
        return (long) DATA.get(array, index * SIZE);
    }

    /// Writes one `struct epoll_event` at offset 0 of `dst`.
    public static void set(MemorySegment dst, int events, long data) {
        EVENTS.set(dst, 0L, events);
        DATA.set(dst, 0L, data);
    }

    /// Packs an fd (low 32 bits) and a generation (high 32 bits) into `epoll_data_t`.
    public static long data(int fd, int generation) {
        return ((long) generation << 32) | (fd & 0xFFFF_FFFFL);
    }

    /// The fd packed by [#data(int, int)].
    public static int fd(long data) {
        return (int) data;
    }

    /// The generation packed by [#data(int, int)].
    public static int generation(long data) {
        return (int) (data >>> 32);
    }

    static boolean isX86_64() {
        String arch = System.getProperty("os.arch", "");
        return arch.equals("amd64") || arch.equals("x86_64");
    }
}
