package io.ev4j.net.buffer;

import io.ev4j.core.sys.linux.Syscalls;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/// Random operation sequences on two buffers of one pool against plain byte-array models,
/// with tiny chunks so that every operation crosses segment boundaries. Covers references and
/// file ranges (read back through `pread`), and `writev`/`sendfile`/`readv` through a pipe.
@Timeout(120)
@EnabledOnOs(OS.LINUX)
class BufferModelTest {
    private static final byte[] ALPHABET = {'a', 'b', '\r', '\n', 0};
    private static final int SEEDS = 70;
    private static final int OPS = 300;
    private static Path file;
    private static byte[] fileBytes;

    @BeforeAll
    static void createFile() throws IOException {
        file = Files.createTempFile("ev4j-buffer-model", ".bin");
        fileBytes = randomBytes(new Random(42), 3000);
        Files.write(file, fileBytes);
    }

    @AfterAll
    static void deleteFile() throws IOException {
        Files.deleteIfExists(file);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 16, 4096})
    void randomSequencesMatchTheModel(int chunkSize) throws IOException {
        int fdsBefore = OpenFds.count();
        Syscalls sys = new Syscalls();
        int[] pipe = new int[2];
        assertEquals(0, sys.pipe2(pipe));
        try {
            for (int seed = 0; seed < SEEDS; seed++) {
                runSeed(chunkSize, seed * 7919L + chunkSize, pipe);
            }
        } finally {
            sys.close(pipe[0]);
            sys.close(pipe[1]);
        }
        assertEquals(fdsBefore, OpenFds.count(), "file ranges' descriptors all closed");
    }

    private static void runSeed(int chunkSize, long seed, int[] pipe) throws IOException {
        Random rnd = new Random(seed);
        SegmentPool pool = new SegmentPool(chunkSize, 3);
        Model a = new Model();
        Model o = new Model();
        int[] releases = new int[1];
        int[] references = new int[1];
        long[] seen = new long[4];
        try (Arena arena = Arena.ofConfined();
             Buffer b = new Buffer(pool);
             Buffer other = new Buffer(pool)) {
            b.addListener((buf, orig, added, removed) -> {
                assertEquals(buf.length(), orig + added - removed, "listener arguments add up");
                seen[0]++;
                seen[1] = orig;
                seen[2] = added;
                seen[3] = removed;
            });
            for (int op = 0; op < OPS; op++) {
                String where = "seed " + seed + " chunk " + chunkSize + " op " + op;
                long calls = seen[0];
                int lengthBefore = a.length;
                int kind = rnd.nextInt(20);
                switch (kind) {
                    case 0, 1 -> {
                        byte[] x = randomBytes(rnd, rnd.nextInt(40));
                        switch (rnd.nextInt(4)) {
                            case 0 -> b.append(x);
                            case 1 -> b.append(ByteBuffer.wrap(x));
                            case 2 -> b.append(ByteBuffer.allocateDirect(x.length).put(x).flip());
                            default -> b.append(MemorySegment.ofArray(x));
                        }
                        a.append(x);
                    }
                    case 2 -> {
                        int x = ALPHABET[rnd.nextInt(ALPHABET.length)];
                        b.appendByte(x);
                        a.append(new byte[]{(byte) x});
                    }
                    case 3 -> {
                        byte[] x = randomBytes(rnd, rnd.nextInt(30));
                        if (rnd.nextBoolean()) {
                            b.prepend(x);
                        } else {
                            b.prepend(ByteBuffer.wrap(x));
                        }
                        a.prepend(x);
                    }
                    case 4, 5 -> {
                        int n = rnd.nextInt(a.length + 5);
                        assertEquals(Math.min(n, a.length), b.drain(n), where);
                        a.drain(n);
                    }
                    case 6 -> {
                        int n = rnd.nextInt(a.length + 5);
                        long moved = b.remove(other, n);
                        assertEquals(Math.min(n, a.length), moved, where);
                        o.append(a.take(n));
                    }
                    case 7 -> {
                        if (rnd.nextBoolean()) {
                            b.append(other);
                            a.append(o.take(o.length));
                        } else {
                            b.prepend(other);
                            a.prepend(o.take(o.length));
                        }
                        assertEquals(0, other.length(), where);
                    }
                    case 8 -> {
                        int offset = rnd.nextInt(a.length + 3);
                        byte[] out = new byte[rnd.nextInt(50)];
                        int n;
                        if (rnd.nextBoolean()) {
                            n = b.peek(offset, out, 0, out.length);
                        } else {
                            ByteBuffer direct = ByteBuffer.allocateDirect(out.length);
                            n = b.peek(offset, direct);
                            assertEquals(n, direct.position(), where);
                            direct.flip().get(out, 0, n);
                        }
                        int expected = Math.max(0, Math.min(out.length, a.length - offset));
                        assertEquals(expected, n, where);
                        assertArrayEquals(Arrays.copyOfRange(a.bytes, offset, offset + expected),
                                Arrays.copyOf(out, expected), where);
                    }
                    case 9 -> {
                        int min = 1 + rnd.nextInt(chunkSize);
                        MemorySegment space = b.reserve(min);
                        int n = rnd.nextInt((int) Math.min(space.byteSize(), 60) + 1);
                        byte[] x = randomBytes(rnd, n);
                        MemorySegment.copy(x, 0, space, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, n);
                        b.commit(n);
                        a.append(x);
                    }
                    case 10, 11 -> {
                        byte[] needle;
                        if (a.length > 0 && rnd.nextBoolean()) {
                            int at = rnd.nextInt(a.length);
                            needle = Arrays.copyOfRange(a.bytes, at, Math.min(a.length, at + 1 + rnd.nextInt(chunkSize + 3)));
                        } else {
                            needle = randomBytes(rnd, rnd.nextInt(4));
                        }
                        int from = rnd.nextInt(a.length + 2);
                        assertEquals(a.indexOf(needle, from), b.indexOf(needle, from), where + " needle " + Arrays.toString(needle));
                    }
                    case 12, 13 -> {
                        EolStyle style = EolStyle.values()[rnd.nextInt(EolStyle.values().length)];
                        assertArrayEquals(a.readLine(style), b.readLine(style), where + " " + style);
                    }
                    case 14 -> {
                        byte[] x = randomBytes(rnd, rnd.nextInt(3 * chunkSize + 1));
                        MemorySegment m = arena.allocate(Math.max(1, x.length));
                        MemorySegment.copy(x, 0, m, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, x.length);
                        references[0]++;
                        b.appendReference(m.asSlice(0, x.length), () -> releases[0]++);
                        a.append(x);
                    }
                    case 15 -> {
                        int position = rnd.nextInt(fileBytes.length);
                        int len = rnd.nextInt(Math.min(fileBytes.length - position, 3 * chunkSize + 20) + 1);
                        b.appendFile(file, position, len);
                        a.append(Arrays.copyOfRange(fileBytes, position, position + len));
                    }
                    case 16 -> {
                        if (a.length > 0) {
                            int i = rnd.nextInt(a.length);
                            assertEquals(a.bytes[i], b.getByte(i), where);
                        }
                    }
                    case 17 -> {
                        int max = 1 + rnd.nextInt(100);
                        long written = b.writeTo(pipe[1], max);
                        byte[] sent = a.take((int) written);
                        long got = 0;
                        while (got < written) {
                            long r = other.readFrom(pipe[0], 1 + rnd.nextInt(70));
                            if (r <= 0) {
                                throw new AssertionError(where + ": pipe gave " + r + " after " + got + " of " + written);
                            }
                            got += r;
                        }
                        o.append(sent);
                    }
                    case 18 -> {
                        byte[] out = new byte[rnd.nextInt(40)];
                        int n = b.read(out, 0, out.length);
                        assertArrayEquals(a.take(out.length), Arrays.copyOf(out, n), where);
                    }
                    default -> {
                        if (rnd.nextInt(10) == 0) {
                            b.clear();
                            a.take(a.length);
                        }
                    }
                }
                assertEquals(a.length, b.length(), where + " length after op " + kind);
                assertEquals(o.length, other.length(), where + " other's length after op " + kind);
                long expectedCalls = a.length == lengthBefore ? 0 : 1;
                assertEquals(expectedCalls, seen[0] - calls, where + " listener calls after op " + kind);
                if (seen[0] - calls == 1) {
                    assertEquals(lengthBefore, seen[1], where + " original length");
                }
            }
            byte[] all = new byte[a.length];
            assertEquals(a.length, b.copyOut(all, 0, all.length));
            assertArrayEquals(Arrays.copyOf(a.bytes, a.length), all, "seed " + seed + " final contents");
            byte[] rest = new byte[o.length];
            other.copyOut(rest, 0, rest.length);
            assertArrayEquals(Arrays.copyOf(o.bytes, o.length), rest, "seed " + seed + " other's final contents");
        }
        assertEquals(references[0], releases[0], "every reference released exactly once");
        assertEquals(0, pool.outstanding(), "segments outstanding after close");
        pool.close();
        assertEquals(0, pool.chunksAllocated(), "native chunks freed");
    }

    static byte[] randomBytes(Random rnd, int n) {
        byte[] x = new byte[n];
        for (int i = 0; i < n; i++) {
            x[i] = ALPHABET[rnd.nextInt(ALPHABET.length)];
        }
        return x;
    }

    /// The model: a growable byte array and the line rules written out naively.
    static final class Model {
        byte[] bytes = new byte[64];
        int length;

        void append(byte[] x) {
            ensure(length + x.length);
            System.arraycopy(x, 0, bytes, length, x.length);
            length += x.length;
        }

        void prepend(byte[] x) {
            ensure(length + x.length);
            System.arraycopy(bytes, 0, bytes, x.length, length);
            System.arraycopy(x, 0, bytes, 0, x.length);
            length += x.length;
        }

        byte[] take(int n) {
            int k = Math.min(n, length);
            byte[] out = Arrays.copyOf(bytes, k);
            drain(k);
            return out;
        }

        void drain(int n) {
            int k = Math.min(n, length);
            System.arraycopy(bytes, k, bytes, 0, length - k);
            length -= k;
        }

        long indexOf(byte[] needle, int from) {
            for (int i = from; i + needle.length <= length; i++) {
                if (Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length)) {
                    return i;
                }
            }
            return -1;
        }

        byte[] readLine(EolStyle style) {
            for (int i = 0; i < length; i++) {
                byte c = bytes[i];
                boolean next = i + 1 < length && bytes[i + 1] == '\n';
                int eol = switch (style) {
                    case LF -> c == '\n' ? 1 : 0;
                    case NUL -> c == 0 ? 1 : 0;
                    case CRLF_STRICT -> c == '\r' && next ? 2 : 0;
                    case CRLF -> c == '\n' ? 1 : (c == '\r' && next ? 2 : 0);
                    case ANY -> {
                        int run = 0;
                        while (i + run < length && (bytes[i + run] == '\r' || bytes[i + run] == '\n')) {
                            run++;
                        }
                        yield run;
                    }
                };
                if (eol > 0) {
                    byte[] line = take(i);
                    drain(eol);
                    return line;
                }
            }
            return null;
        }

        private void ensure(int n) {
            if (n > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(n, bytes.length * 2));
            }
        }
    }
}
