package io.ev4j.core.sys.linux;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// Pins `struct inotify_event` and the constants to `<linux/inotify.h>`, and reads real events
/// about files in a temp dir.
@Timeout(20)
@EnabledOnOs(OS.LINUX)
class InotifyTest {

    @Test
    void inotifyEventMatchesLinuxInotifyH() {
        assertEquals(16, Inotify.INOTIFY_EVENT.byteSize());
        assertEquals(Inotify.EVENT_HEADER_SIZE, Inotify.INOTIFY_EVENT.byteSize());
        assertEquals(Inotify.WD_OFFSET, Inotify.INOTIFY_EVENT.byteOffset(PathElement.groupElement("wd")));
        assertEquals(Inotify.MASK_OFFSET, Inotify.INOTIFY_EVENT.byteOffset(PathElement.groupElement("mask")));
        assertEquals(8, Inotify.INOTIFY_EVENT.byteOffset(PathElement.groupElement("cookie")));
        assertEquals(Inotify.LEN_OFFSET, Inotify.INOTIFY_EVENT.byteOffset(PathElement.groupElement("len")));
    }

    @Test
    void constantsMatchLinuxInotifyH() {
        assertEquals(0x2, Inotify.IN_MODIFY);
        assertEquals(0x4, Inotify.IN_ATTRIB);
        assertEquals(0x8, Inotify.IN_CLOSE_WRITE);
        assertEquals(0x40, Inotify.IN_MOVED_FROM);
        assertEquals(0x80, Inotify.IN_MOVED_TO);
        assertEquals(0x100, Inotify.IN_CREATE);
        assertEquals(0x200, Inotify.IN_DELETE);
        assertEquals(0x400, Inotify.IN_DELETE_SELF);
        assertEquals(0x800, Inotify.IN_MOVE_SELF);
        assertEquals(0x2000, Inotify.IN_UNMOUNT);
        assertEquals(0x4000, Inotify.IN_Q_OVERFLOW);
        assertEquals(0x8000, Inotify.IN_IGNORED);
        assertEquals(0x40000000, Inotify.IN_ISDIR);
        assertEquals(04000, Inotify.IN_NONBLOCK);
        assertEquals(02000000, Inotify.IN_CLOEXEC);
        assertEquals(4096, Inotify.PATH_MAX);
    }

    private record Event(int wd, int mask, String name) {
    }

    private static List<Event> drain(Inotify inotify, int fd) {
        List<Event> got = new ArrayList<>();
        long n;
        while ((n = inotify.read(fd)) > 0) {
            MemorySegment events = inotify.events();
            for (int at = 0; at < n; at = Inotify.next(events, at)) {
                int len = Inotify.nameLength(events, at);
                String name = len == 0 ? "" : events.getString(at + Inotify.EVENT_HEADER_SIZE, StandardCharsets.UTF_8);
                got.add(new Event(Inotify.wd(events, at), Inotify.mask(events, at), name));
            }
        }
        assertEquals(-Errno.EAGAIN, n, "non-blocking: EAGAIN once drained");
        return got;
    }

    @Test
    void realEventsCarryTheWatchDescriptorMaskAndName(@TempDir Path dir) throws Exception {
        Inotify inotify = new Inotify();
        Syscalls sys = new Syscalls();
        assertTrue(Inotify.isSupported());
        int fd = inotify.init1();
        assertTrue(fd >= 0, "inotify_init1: " + fd);
        try {
            assertEquals(Syscalls.FD_CLOEXEC, sys.fcntl(fd, Syscalls.F_GETFD, 0) & Syscalls.FD_CLOEXEC);
            assertEquals(Syscalls.O_NONBLOCK, sys.fcntl(fd, Syscalls.F_GETFL, 0) & Syscalls.O_NONBLOCK);
            int mask = Inotify.IN_CREATE | Inotify.IN_DELETE | Inotify.IN_MODIFY | Inotify.IN_DELETE_SELF;
            int dirWd = inotify.addWatch(fd, dir.toString().getBytes(StandardCharsets.UTF_8), mask);
            assertTrue(dirWd >= 0, "add_watch: " + dirWd);
            assertEquals(dirWd, inotify.addWatch(fd, dir.toString().getBytes(StandardCharsets.UTF_8), mask),
                    "the same inode gives the same descriptor");
            assertEquals(-Errno.ENOENT, inotify.addWatch(fd, dir.resolve("nope").toString().getBytes(StandardCharsets.UTF_8), mask));
            assertEquals(List.of(), drain(inotify, fd));

            Path file = Files.writeString(dir.resolve("a-file"), "x");
            int fileWd = inotify.addWatch(fd, file.toString().getBytes(StandardCharsets.UTF_8), mask);
            assertTrue(fileWd >= 0 && fileWd != dirWd);
            Files.writeString(file, "more");
            Files.delete(file);
            List<Event> got = drain(inotify, fd);
            assertTrue(got.contains(new Event(dirWd, Inotify.IN_CREATE, "a-file")), got.toString());
            assertTrue(got.contains(new Event(dirWd, Inotify.IN_DELETE, "a-file")), got.toString());
            assertTrue(got.contains(new Event(fileWd, Inotify.IN_MODIFY, "")), got.toString());
            assertTrue(got.contains(new Event(fileWd, Inotify.IN_DELETE_SELF, "")), got.toString());
            assertTrue(got.contains(new Event(fileWd, Inotify.IN_IGNORED, "")), "dropped with its inode: " + got);

            assertEquals(0, inotify.rmWatch(fd, dirWd));
            assertEquals(-Errno.EINVAL, inotify.rmWatch(fd, dirWd), "gone already");
            assertEquals(List.of(new Event(dirWd, Inotify.IN_IGNORED, "")), drain(inotify, fd));
        } finally {
            assertEquals(0, sys.close(fd));
        }
    }

    @Test
    void namesAreComparedWholeAndOverlongPathsAreRefused() {
        MemorySegment events = Arena.ofAuto().allocate(32, 8);
        events.set(ValueLayout.JAVA_INT, Inotify.LEN_OFFSET, 16);
        events.setString(Inotify.EVENT_HEADER_SIZE, "ab", StandardCharsets.UTF_8);
        assertTrue(Inotify.nameEquals(events, 0, "ab".getBytes(StandardCharsets.UTF_8)));
        assertFalse(Inotify.nameEquals(events, 0, "a".getBytes(StandardCharsets.UTF_8)), "a prefix is not the name");
        assertFalse(Inotify.nameEquals(events, 0, "abc".getBytes(StandardCharsets.UTF_8)));
        assertEquals(32, Inotify.next(events, 0));
        Inotify inotify = new Inotify();
        assertThrows(IllegalArgumentException.class, () -> inotify.addWatch(-1, new byte[Inotify.PATH_MAX], Inotify.IN_MODIFY));
        assertThrows(IllegalArgumentException.class, () -> inotify.addWatch(-1, new byte[] {'a', 0, 'b'}, Inotify.IN_MODIFY));
    }
}
