package io.ev4j.core.sys.linux;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// `struct iovec` pinned to `<bits/types/struct_iovec.h>`, and each call on real pipes and files.
@Timeout(10)
@EnabledOnOs(OS.LINUX)
class VectorIoTest {
    private final Syscalls sys = new Syscalls();
    private final VectorIo io = new VectorIo(4);
    private final int[] pipe = new int[2];
    private long fdsBefore;

    static {
        try { // the JDK's file system keeps a descriptor or two open from first use on
            Path warm = Files.createTempFile("ev4j-vectorio", ".warm");
            Files.writeString(warm, "x");
            Files.delete(warm);
        } catch (java.io.IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @BeforeEach
    void openPipe() {
        fdsBefore = OpenFds.count();
        assertEquals(0, sys.pipe2(pipe));
    }

    @AfterEach
    void closePipe() {
        assertEquals(0, sys.close(pipe[0]));
        assertEquals(0, sys.close(pipe[1]));
        assertEquals(fdsBefore, OpenFds.count(), "open fds");
    }

    @Test
    void iovecMatchesStructIovecH() {
        assertEquals(16, VectorIo.IOVEC.byteSize());
        assertEquals(16, VectorIo.IOVEC_SIZE);
        assertEquals(0, VectorIo.IOVEC.byteOffset(PathElement.groupElement("iov_base")));
        assertEquals(8, VectorIo.IOVEC.byteOffset(PathElement.groupElement("iov_len")));
        assertEquals(VectorIo.IOV_LEN_OFFSET, VectorIo.IOVEC.byteOffset(PathElement.groupElement("iov_len")));
        assertEquals(1024, VectorIo.IOV_MAX, "__IOV_MAX of <bits/uio_lim.h>");
        io.setIovec(3, 0x1234, 99);
        assertEquals(0x1234, io.iovecs().get(java.lang.foreign.ValueLayout.JAVA_LONG, 3 * 16));
        assertEquals(99, io.iovecs().get(java.lang.foreign.ValueLayout.JAVA_LONG, 3 * 16 + 8));
    }

    @Test
    void writevGathersAndReadvScattersInOrder() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocateFrom("hello ", StandardCharsets.US_ASCII);
            MemorySegment b = arena.allocateFrom("world", StandardCharsets.US_ASCII);
            io.setIovec(0, a.address(), 6);
            io.setIovec(1, b.address(), 5);
            assertEquals(11, io.writev(pipe[1], 2));
            MemorySegment x = arena.allocate(4);
            MemorySegment y = arena.allocate(16);
            io.setIovec(0, x.address(), 4);
            io.setIovec(1, y.address(), 16);
            assertEquals(11, io.readv(pipe[0], 2));
            assertEquals("hell", new String(x.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII));
            assertEquals("o world", y.getString(0, StandardCharsets.US_ASCII));
            assertEquals(-Errno.EAGAIN, io.readv(pipe[0], 2), "empty non-blocking pipe");
        }
    }

    @Test
    void readvSeesEndOfFileAndWritevSeesEpipe() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = arena.allocate(8);
            io.setIovec(0, x.address(), 8);
            int[] other = new int[2];
            assertEquals(0, sys.pipe2(other));
            assertEquals(0, sys.close(other[1]));
            assertEquals(0, io.readv(other[0], 1), "end of file once the writer is gone");
            assertEquals(0, sys.close(other[0]));
            assertEquals(0, sys.pipe2(other));
            assertEquals(0, sys.close(other[0]));
            assertEquals(-Errno.EPIPE, io.writev(other[1], 1), "no reader: EPIPE, not a signal");
            assertEquals(0, sys.close(other[1]));
        }
    }

    @Test
    void sendfileAndPreadLeaveTheFileOffsetAlone() throws Exception {
        Path file = Files.createTempFile("ev4j-vectorio", ".txt");
        try (Arena arena = Arena.ofConfined()) {
            Files.writeString(file, "0123456789");
            int fd = io.openReadOnly(file.toString());
            assertTrue(fd >= 0, "open: " + fd);
            try {
                assertEquals(4, io.sendfile(pipe[1], fd, 3, 4));
                MemorySegment x = arena.allocate(16);
                assertEquals(4, sys.read(pipe[0], x.address(), 16));
                assertEquals("3456", x.getString(0, StandardCharsets.US_ASCII).substring(0, 4));
                assertEquals(3, io.pread(fd, x.address(), 3, 7));
                assertEquals("789", new String(x.asSlice(0, 3).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII));
                assertEquals(0, io.pread(fd, x.address(), 3, 10), "end of file");
                assertEquals(2, io.pread(fd, x.address(), 2, 0), "the offset stayed at 0");
            } finally {
                assertEquals(0, sys.close(fd));
            }
        } finally {
            Files.delete(file);
        }
        assertEquals(-Errno.ENOENT, io.openReadOnly(file.toString()));
    }

    @Test
    void rejectsIovecCountsOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> io.readv(pipe[0], 0));
        assertThrows(IllegalArgumentException.class, () -> io.writev(pipe[1], 5));
        assertThrows(IllegalArgumentException.class, () -> new VectorIo(1025));
    }
}
