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

/// Named pipes: `mkfifo(3)` and `open(2)` of a path, for a FIFO's reading end.
///
/// ```java
/// int r = FifoCalls.mkfifo("/tmp/events", 0600);           // 0, or -errno
/// int fd = FifoCalls.openReadNonBlocking("/tmp/events");   // does not wait for a writer
/// ```
///
/// Conventions as in [Syscalls]: results or `-errno`, nothing thrown for a failed call. These
/// are not on a hot path, so each call allocates its own path string and errno segment; both
/// methods are thread-safe.
public final class FifoCalls {
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    /// `<bits/fcntl-linux.h>`: open for reading only.
    public static final int O_RDONLY = 0;

    // Both may block on a slow file system (open also resolves the path), so neither is critical.
    private static final MethodHandle MKFIFO = Syscalls.link("mkfifo", false, true,
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle OPEN = Syscalls.link("open", false, true,
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));

    private FifoCalls() {
    }

    /// `mkfifo(path, mode)`: 0, or `-EEXIST`, `-ENOENT`, `-EACCES`, ...
    public static int mkfifo(String path, int mode) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(CAPTURE);
            int r = (int) MKFIFO.invokeExact(errno, arena.allocateFrom(path), mode);
            return r < 0 ? -(int) ERRNO.get(errno, 0L) : r;
        } catch (Throwable t) {
            throw Syscalls.unexpected(t);
        }
    }

    /// `open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)`: the fd, or `-errno`. On a FIFO this
    /// returns at once, writer or not.
    public static int openReadNonBlocking(String path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(CAPTURE);
            int r = (int) OPEN.invokeExact(errno, arena.allocateFrom(path),
                    O_RDONLY | Syscalls.O_NONBLOCK | Syscalls.O_CLOEXEC, 0);
            return r < 0 ? -(int) ERRNO.get(errno, 0L) : r;
        } catch (Throwable t) {
            throw Syscalls.unexpected(t);
        }
    }
}
