package io.ev4j.net.buffer;

import io.ev4j.core.ErrnoException;
import io.ev4j.core.sys.linux.SockaddrAbi;
import io.ev4j.core.sys.linux.Syscalls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// `readv`, `writev` and `sendfile` between buffers and real pipes, sockets and files, and the
/// channel pair for the portable backend.
@Timeout(20)
@EnabledOnOs(OS.LINUX)
class BufferIoTest {
    private static final int CHUNK = 16;

    static { // the JDK's file system and pipe keep a descriptor or two from first use on
        try {
            Path warm = Files.createTempFile("ev4j-buffer-io", ".warm");
            Files.delete(warm);
            Pipe p = Pipe.open();
            p.sink().close();
            p.source().close();
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Syscalls sys = new Syscalls();
    private final SegmentPool pool = new SegmentPool(CHUNK, 16);
    private final Buffer out = new Buffer(pool);
    private final Buffer in = new Buffer(pool);
    private final int[] pipe = new int[2];
    private int fdsBefore;

    @BeforeEach
    void openPipe() {
        fdsBefore = OpenFds.count();
        assertEquals(0, sys.pipe2(pipe));
    }

    @AfterEach
    void closeAll() {
        sys.close(pipe[0]);
        sys.close(pipe[1]);
        out.close();
        in.close();
        assertEquals(0, pool.outstanding(), "segments outstanding");
        pool.close();
        assertEquals(0, pool.chunksAllocated());
        assertEquals(fdsBefore, OpenFds.count(), "open fds");
    }

    private static byte[] bytes(int n, long seed) {
        byte[] x = new byte[n];
        new Random(seed).nextBytes(x);
        return x;
    }

    private static byte[] contents(Buffer b) {
        byte[] all = new byte[(int) b.length()];
        b.copyOut(all, 0, all.length);
        return all;
    }

    private long readAll(Buffer b, int fd, long expected) throws IOException {
        long got = 0;
        while (got < expected) {
            long r = b.readFrom(fd, 1000);
            assertTrue(r > 0, "readFrom gave " + r + " after " + got);
            got += r;
        }
        return got;
    }

    @Test
    void writevAndReadvCarryManySegmentsThroughAPipe() throws IOException {
        byte[] data = bytes(3000, 1);
        out.append(data);
        assertTrue(out.segmentCount() > SegmentPool.MAX_IOVECS, "more segments than one writev takes");
        long written = out.writeTo(pipe[1], Long.MAX_VALUE);
        assertEquals(SegmentPool.MAX_IOVECS * CHUNK, written, "one writev of MAX_IOVECS chunks");
        while (!out.isEmpty()) {
            written += out.writeTo(pipe[1], 1 + out.length() / 2);
        }
        assertEquals(3000, written);
        readAll(in, pipe[0], 3000);
        assertArrayEquals(data, contents(in));
        assertEquals(0, in.readFrom(pipe[0], 100), "EAGAIN on an empty pipe is 0");
        assertEquals(0, out.writeTo(pipe[1], 100), "nothing to write");
    }

    @Test
    void readFromFillsTheTailChunkFirstAndKeepsNoEmptyChunks() throws IOException {
        in.append("abc".getBytes(StandardCharsets.US_ASCII));
        out.append("defghijklmnopqrstuvwxyz".getBytes(StandardCharsets.US_ASCII));
        out.writeTo(pipe[1], 100);
        assertEquals(5, in.readFrom(pipe[0], 5), "at most maxBytes");
        assertEquals(1, in.segmentCount(), "went into the free tail of the first chunk");
        assertEquals(18, in.readFrom(pipe[0], 1 << 20));
        assertEquals("abcdefghijklmnopqrstuvwxyz", new String(contents(in), StandardCharsets.US_ASCII));
        assertEquals(2, in.segmentCount(), "26 bytes in 16-byte chunks, no empty ones left over");
        assertThrows(IllegalArgumentException.class, () -> in.readFrom(pipe[0], 0));
    }

    @Test
    void readFromSeesEndOfFileAndWriteToFullPipeGivesZero() throws IOException {
        byte[] big = bytes(1 << 20, 2);
        out.append(big);
        long total = 0;
        long r;
        while ((r = out.writeTo(pipe[1], Long.MAX_VALUE)) > 0) {
            total += r;
        }
        assertEquals(0, r, "a full pipe: EAGAIN is 0");
        assertTrue(total > 0 && total < big.length);
        assertEquals(big.length - total, out.length(), "drained exactly what was written");
        sys.close(pipe[1]);
        pipe[1] = -1;
        readAll(in, pipe[0], total);
        assertEquals(-1, in.readFrom(pipe[0], 100), "end of file");
        assertArrayEquals(Arrays.copyOf(big, (int) total), contents(in));
    }

    @Test
    void errorsNameTheCallAndErrno() {
        sys.close(pipe[0]);
        pipe[0] = -1;
        out.append(new byte[10]);
        ErrnoException e = assertThrows(ErrnoException.class, () -> out.writeTo(pipe[1], 10));
        assertEquals("writev", e.call());
        assertEquals("EPIPE", e.errnoName());
        assertEquals(10, out.length(), "nothing drained");
        e = assertThrows(ErrnoException.class, () -> in.readFrom(pipe[1], 10));
        assertEquals("readv", e.call());
        assertEquals("EBADF", e.errnoName());
        assertEquals(0, in.segmentCount(), "no chunk left behind");
    }

    @Test
    void fileRangesGoOutWithSendfileBetweenMemorySegments() throws IOException {
        Path file = Files.createTempFile("ev4j-buffer-io", ".bin");
        try {
            byte[] fileData = bytes(5000, 3);
            Files.write(file, fileData);
            out.append("head".getBytes(StandardCharsets.US_ASCII));
            out.appendFile(file, 100, 4000);
            out.append("tail".getBytes(StandardCharsets.US_ASCII));
            assertEquals(4008, out.length());
            byte[] peek = new byte[8];
            assertEquals(8, out.peek(2, peek, 0, 8), "peek reads the file range with pread");
            assertArrayEquals(concat("ad".getBytes(StandardCharsets.US_ASCII), Arrays.copyOfRange(fileData, 100, 106)), peek);
            assertEquals(fileData[150] & 0xFF, out.getByte(54) & 0xFF);
            long total = 0;
            while (!out.isEmpty()) {
                long w = out.writeTo(pipe[1], Long.MAX_VALUE);
                assertTrue(w > 0);
                total += w;
                readAll(in, pipe[0], w);
            }
            assertEquals(4008, total);
            assertArrayEquals(concat("head".getBytes(StandardCharsets.US_ASCII),
                    Arrays.copyOfRange(fileData, 100, 4100), "tail".getBytes(StandardCharsets.US_ASCII)), contents(in));
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void sendfileIntoATcpSocket() throws IOException {
        Path file = Files.createTempFile("ev4j-buffer-io", ".bin");
        int[] fds = tcpPair();
        int client = fds[0];
        int server = fds[1];
        try {
            byte[] fileData = bytes(100_000, 4);
            Files.write(file, fileData);
            out.appendFile(file, 0, fileData.length);
            long sent = 0;
            while (in.length() < fileData.length) {
                if (!out.isEmpty()) {
                    sent += out.writeTo(server, Long.MAX_VALUE);
                }
                in.readFrom(client, 64 * 1024);
            }
            assertEquals(fileData.length, sent);
            assertArrayEquals(fileData, contents(in));
        } finally {
            Files.delete(file);
            for (int fd : fds) {
                sys.close(fd);
            }
        }
    }

    /// A connected loopback TCP pair of non-blocking sockets: `{client, server, listener}`.
    private int[] tcpPair() {
        int listener = sys.socket(SockaddrAbi.AF_INET);
        int client = sys.socket(SockaddrAbi.AF_INET);
        assertEquals(0, sys.bind(listener, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        assertEquals(0, sys.listen(listener, 1));
        assertEquals(0, sys.getsockname(listener));
        int c = sys.connect(client, sys.lastAddress());
        assertTrue(c == 0 || c == -io.ev4j.core.sys.linux.Errno.EINPROGRESS, "connect " + c);
        int server;
        while ((server = sys.accept4(listener)) < 0) {
            Thread.onSpinWait();
        }
        return new int[] {client, server, listener};
    }

    @Test
    void receiveFromAndSendToCarrySmallAndLargeWritesOverASocket() throws IOException {
        int[] fds = tcpPair();
        try {
            assertEquals(0, in.receiveFrom(fds[0], CHUNK), "nothing there yet: 0");
            out.append("hi".getBytes(StandardCharsets.US_ASCII));
            assertEquals(2, out.sendTo(fds[1], Long.MAX_VALUE), "one segment: one send");
            long r;
            while ((r = in.receiveFrom(fds[0], CHUNK)) == 0) {
                Thread.onSpinWait();
            }
            assertEquals(2, r, "one segment of space: one recv");
            byte[] big = bytes(5000, 9);                // many segments: writev out, readv in
            out.append(big);
            long sent = 0;
            while (in.length() < 2 + big.length) {
                if (!out.isEmpty()) {
                    sent += out.sendTo(fds[1], Long.MAX_VALUE);
                }
                in.receiveFrom(fds[0], 1000);
            }
            assertEquals(big.length, sent);
            byte[] all = contents(in);
            assertEquals("hi", new String(all, 0, 2, StandardCharsets.US_ASCII));
            assertArrayEquals(big, Arrays.copyOfRange(all, 2, all.length));
            sys.close(fds[1]);
            fds[1] = -1;
            while ((r = in.receiveFrom(fds[0], CHUNK)) == 0) {
                Thread.onSpinWait();
            }
            assertEquals(-1, r, "end of stream");
        } finally {
            for (int fd : fds) {
                if (fd >= 0) {
                    sys.close(fd);
                }
            }
        }
    }

    @Test
    void receiveFromAndSendToRefuseAPipeByName() {
        out.append(new byte[10]);
        ErrnoException e = assertThrows(ErrnoException.class, () -> out.sendTo(pipe[1], 10));
        assertEquals("send", e.call());
        assertEquals("ENOTSOCK", e.errnoName());
        assertEquals(10, out.length(), "nothing drained");
        e = assertThrows(ErrnoException.class, () -> in.receiveFrom(pipe[0], 10));
        assertEquals("recv", e.call());
        assertEquals("ENOTSOCK", e.errnoName());
        assertEquals(0, in.segmentCount(), "no chunk left behind");
    }

    @Test
    void fileRangePastTheEndOfTheFileIsAnError() throws IOException {
        Path file = Files.createTempFile("ev4j-buffer-io", ".bin");
        try {
            Files.write(file, new byte[10]);
            out.appendFile(file, 5, 10);
            assertThrows(java.io.EOFException.class, () -> {
                while (true) {
                    out.writeTo(pipe[1], 100);
                }
            });
            assertThrows(java.io.UncheckedIOException.class, () -> out.copyOut(new byte[10], 0, 10));
            assertThrows(ErrnoException.class, () -> out.appendFile(file.resolveSibling("no-such-file"), 0, 1));
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void channelsScatterAndGatherThroughViews() throws IOException {
        Pipe p = Pipe.open();
        Path file = Files.createTempFile("ev4j-buffer-io", ".bin");
        try (Pipe.SinkChannel sink = p.sink(); Pipe.SourceChannel source = p.source()) {
            source.configureBlocking(false);
            byte[] fileData = bytes(300, 5);
            Files.write(file, fileData);
            byte[] data = bytes(500, 6);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment ref = arena.allocate(40);
                ref.fill((byte) 7);
                out.append(data);
                out.appendReference(ref, null);
                out.appendFile(file, 0, 300);
                long expected = out.length();
                byte[] want = contents(out);
                long sent = 0;
                while (!out.isEmpty()) {
                    sent += out.writeTo(sink, 333);
                    long r;
                    while ((r = in.readFrom(source, 77)) > 0) {
                        assertTrue(r <= 77);
                    }
                    assertEquals(0, r, "non-blocking and drained");
                }
                assertEquals(expected, sent);
                assertArrayEquals(want, contents(in));
            }
            sink.close();
            assertEquals(-1, in.readFrom(source, 10));
        } finally {
            Files.delete(file);
        }
    }

    @Test
    @Timeout(90)
    void steadyStateAllocatesNothingPerCall() throws Exception {
        ByteBuffer chunk = ByteBuffer.allocateDirect(6000);
        try (SegmentPool big = new SegmentPool(4096, 16); Buffer src = new Buffer(big); Buffer dst = new Buffer(big)) {
            long least = leastAllocated(() -> {
                chunk.clear();
                src.append(chunk);
                src.drain(300);
                src.remove(dst, 2000);
                dst.drain(dst.length());
                src.drain(src.length());
            });
            assertTrue(least <= 256, "bytes allocated by 1000 append/drain/remove cycles: " + least);
            // The downcalls' errno capture makes a 40-byte slice per call that the JIT removes
            // only when it inlines the whole downcall, which depends on what else ran in this
            // JVM: allow those two, and nothing per segment or per call on top.
            least = leastAllocated(() -> {
                try {
                    chunk.clear();
                    src.append(chunk);
                    src.writeTo(pipe[1], Long.MAX_VALUE);
                    dst.readFrom(pipe[0], 16 * 1024);
                    dst.drain(dst.length());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertTrue(least <= 1000 * 2 * 48, "bytes allocated by 1000 append/writev/readv/drain cycles: " + least);
            assertEquals(0, src.length());
        }
    }

    private static long leastAllocated(Runnable cycle) {
        com.sun.management.ThreadMXBean bean =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long least = Long.MAX_VALUE;
        for (int round = 0; round < 300 && least > 256; round++) { // until compiled
            long before = bean.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 1000; i++) {
                cycle.run();
            }
            least = Math.min(least, bean.getCurrentThreadAllocatedBytes() - before);
        }
        return least;
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
