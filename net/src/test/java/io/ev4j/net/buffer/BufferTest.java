package io.ev4j.net.buffer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// Each Buffer operation and its edges, on chunks small enough to split everything.
@Timeout(10)
class BufferTest {
    private final SegmentPool pool = new SegmentPool(4, 8);
    private final Buffer buffer = new Buffer(pool);

    @AfterEach
    void nothingLeaks() {
        buffer.close();
        assertEquals(0, pool.outstanding(), "segments outstanding");
        pool.close();
        assertEquals(0, pool.chunksAllocated(), "chunks still allocated");
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String contents(Buffer b) {
        byte[] all = new byte[(int) b.length()];
        b.copyOut(all, 0, all.length);
        return new String(all, StandardCharsets.ISO_8859_1);
    }

    @Test
    void appendsAcrossChunksAndCopiesOutWithoutDraining() {
        buffer.append(ascii("hello, world"));
        assertEquals(12, buffer.length());
        assertEquals(3, buffer.segmentCount());
        assertEquals("hello, world", contents(buffer));
        byte[] part = new byte[5];
        assertEquals(5, buffer.peek(3, part, 0, 5));
        assertEquals("lo, w", new String(part, StandardCharsets.ISO_8859_1));
        assertEquals(0, buffer.peek(12, part, 0, 5), "peek at the end");
        assertEquals(2, buffer.peek(10, part, 0, 5), "peek past the end is short");
        assertEquals('w', buffer.getByte(7));
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.getByte(12));
        assertThrows(IllegalArgumentException.class, () -> buffer.peek(-1, part, 0, 1));
        assertEquals(12, buffer.length(), "nothing drained");
    }

    @Test
    void appendByteBufferConsumesItsRemainingBytes() {
        ByteBuffer src = ByteBuffer.wrap(ascii("xxabcdefyy")).position(2).limit(8);
        buffer.append(src);
        assertEquals(8, src.position());
        assertEquals("abcdef", contents(buffer));
        ByteBuffer out = ByteBuffer.allocate(4);
        assertEquals(4, buffer.copyOut(out));
        assertEquals(4, out.position());
        assertEquals("abcd", new String(out.array(), StandardCharsets.ISO_8859_1));
    }

    @Test
    void drainAndReadRemoveFromTheFront() {
        buffer.append(ascii("0123456789"));
        assertEquals(3, buffer.drain(3));
        assertEquals("3456789", contents(buffer));
        byte[] out = new byte[4];
        assertEquals(4, buffer.read(out, 0, 4));
        assertEquals("3456", new String(out, StandardCharsets.ISO_8859_1));
        assertEquals(3, buffer.drain(100), "drains at most the length");
        assertTrue(buffer.isEmpty());
        assertEquals(0, buffer.segmentCount());
        assertThrows(IllegalArgumentException.class, () -> buffer.drain(-1));
    }

    @Test
    void prependUsesSpaceFreedByADrainThenNewChunks() {
        buffer.append(ascii("abcd"));
        buffer.drain(2);
        buffer.prepend(ascii("XY"));
        assertEquals(1, buffer.segmentCount(), "went into the drained space");
        buffer.prepend(ascii("12345"));
        assertEquals("12345XYcd", contents(buffer));
        buffer.prepend(ByteBuffer.wrap(ascii("!")));
        assertEquals("!12345XYcd", contents(buffer));
    }

    @Test
    void appendBufferMovesSegmentsWithoutCopying() {
        try (Buffer other = new Buffer(pool)) {
            other.append(ascii("abcdefghij"));
            buffer.append(ascii("12"));
            int segments = buffer.segmentCount() + other.segmentCount();
            buffer.append(other);
            assertEquals(0, other.length());
            assertEquals(segments, buffer.segmentCount(), "segments moved, not copied");
            assertEquals("12abcdefghij", contents(buffer));
            other.append(ascii("<<"));
            buffer.prepend(other);
            assertEquals("<<12abcdefghij", contents(buffer));
            assertThrows(IllegalArgumentException.class, () -> buffer.append(buffer));
        }
        try (SegmentPool otherPool = new SegmentPool(4, 0); Buffer foreign = new Buffer(otherPool)) {
            assertThrows(IllegalArgumentException.class, () -> buffer.append(foreign));
        }
    }

    @Test
    void removeMovesWholeSegmentsAndCopiesTheCutOne() {
        buffer.append(ascii("abcdefghij")); // abcd|efgh|ij
        try (Buffer dst = new Buffer(pool)) {
            assertEquals(6, buffer.remove(dst, 6));
            assertEquals("abcdef", contents(dst));
            assertEquals("ghij", contents(buffer));
            assertEquals(2, dst.segmentCount(), "abcd moved, ef copied into a new chunk");
            assertEquals(4, buffer.remove(dst, 99));
            assertEquals("abcdefghij", contents(dst));
            assertTrue(buffer.isEmpty());
        }
    }

    @Test
    void indexOfSearchesAcrossSegmentBoundaries() {
        buffer.append(ascii("abcdefghabcdefgh"));
        assertEquals(3, buffer.indexOf(ascii("defgh"), 0));
        assertEquals(11, buffer.indexOf(ascii("defgh"), 4));
        assertEquals(-1, buffer.indexOf(ascii("defgh"), 12));
        assertEquals(-1, buffer.indexOf(ascii("hab!"), 0));
        assertEquals(7, buffer.indexOf(ascii("habcdefgh"), 0));
        assertEquals(5, buffer.indexOf(new byte[0], 5));
        assertEquals(16, buffer.indexOf(new byte[0], 16));
        assertEquals(-1, buffer.indexOf(new byte[0], 17));
        assertEquals(9, buffer.indexOf((byte) 'b', 2));
        assertThrows(IllegalArgumentException.class, () -> buffer.indexOf(ascii("a"), -1));
    }

    private List<String> lines(String input, EolStyle style) {
        buffer.clear();
        buffer.append(ascii(input));
        List<String> out = new ArrayList<>();
        String line;
        while ((line = buffer.readLine(style, StandardCharsets.ISO_8859_1)) != null) {
            out.add(line);
        }
        out.add("rest=" + contents(buffer));
        return out;
    }

    @Test
    void eolAnyEndsAtAnyCrOrLfAndSwallowsTheRun() {
        assertEquals(List.of("a", "b", "c", "rest=d"), lines("a\r\n\r\nb\nc\r\rd", EolStyle.ANY));
        assertEquals(List.of("a", "rest="), lines("a\r", EolStyle.ANY), "a CR at the end ends the line");
        assertEquals(List.of("", "x", "rest="), lines("\n\nx\n", EolStyle.ANY), "a leading run gives one empty line");
    }

    @Test
    void eolCrlfEndsAtLfDroppingOneCr() {
        assertEquals(List.of("a", "b", "c\r", "rest=d\r"), lines("a\r\nb\nc\r\r\nd\r", EolStyle.CRLF));
        assertEquals(List.of("a\rb", "rest="), lines("a\rb\n", EolStyle.CRLF), "a lone CR is content");
        assertEquals(List.of("", "", "rest=x"), lines("\r\n\nx", EolStyle.CRLF), "empty lines");
    }

    @Test
    void eolCrlfStrictNeedsTheWholePair() {
        assertEquals(List.of("a\nb", "", "rest=c\r"), lines("a\nb\r\n\r\nc\r", EolStyle.CRLF_STRICT));
    }

    @Test
    void eolLfAndNul() {
        assertEquals(List.of("a\r", "", "rest=b"), lines("a\r\n\nb", EolStyle.LF));
        assertEquals(List.of("a\n", "", "rest=b"), lines("a\n\0\0b", EolStyle.NUL));
        assertEquals(List.of("rest=abc"), lines("abc", EolStyle.LF), "no complete line: null, nothing drained");
    }

    @Test
    void linesSplitAcrossSegmentsAndCrLfAcrossABoundary() {
        assertEquals(List.of("abc", "defghij", "rest=k"), lines("abc\r\ndefghij\r\nk", EolStyle.CRLF_STRICT));
        assertEquals(List.of("abc", "defghij", "rest=k"), lines("abc\r\ndefghij\r\nk", EolStyle.CRLF));
        buffer.clear();
        buffer.append(ascii("abc\r"));
        assertNull(buffer.readLine(EolStyle.CRLF_STRICT), "the LF has not arrived");
        buffer.append(ascii("\n"));
        assertArrayEquals(ascii("abc"), buffer.readLine(EolStyle.CRLF_STRICT));
        assertTrue(buffer.isEmpty());
    }

    @Test
    void reserveAndCommitFillInPlace() {
        MemorySegment space = buffer.reserve(3);
        assertTrue(space.byteSize() >= 3);
        space.set(ValueLayout.JAVA_BYTE, 0, (byte) 'o');
        space.set(ValueLayout.JAVA_BYTE, 1, (byte) 'k');
        assertEquals(0, buffer.length(), "reserved space is not content");
        buffer.commit(2);
        assertEquals("ok", contents(buffer));
        assertThrows(IllegalStateException.class, () -> buffer.commit(1), "one commit per reserve");
        buffer.reserve(2);
        buffer.append(ascii("!"));
        assertThrows(IllegalStateException.class, () -> buffer.commit(1), "a change cancels the reservation");
        MemorySegment more = buffer.reserve(4);
        assertThrows(IllegalArgumentException.class, () -> buffer.commit((int) more.byteSize() + 1));
        buffer.commit(0);
        assertEquals("ok!", contents(buffer));
        assertThrows(IllegalArgumentException.class, () -> buffer.reserve(5), "more than a chunk");
        assertThrows(IllegalArgumentException.class, () -> buffer.reserve(0));
    }

    @Test
    void referencesAreReleasedExactlyOnce() {
        int[] released = new int[3];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(10);
            m.fill((byte) 'r');
            buffer.appendReference(m, () -> released[0]++);
            buffer.append(ascii("tail"));
            buffer.drain(3);
            assertEquals(0, released[0], "still partly in the buffer");
            try (Buffer dst = new Buffer(pool)) {
                buffer.remove(dst, 2); // cut: copied out, the reference stays here
                assertEquals("rr", contents(dst));
                assertEquals(0, released[0]);
                buffer.remove(dst, 5); // the rest of it moves to dst whole
                assertEquals(0, released[0]);
                assertEquals("rrrrrrr", contents(dst));
                dst.drain(7);
                assertEquals(1, released[0], "released when its last byte is drained");
            }
            buffer.appendReference(m, () -> released[1]++);
            buffer.clear();
            assertEquals(1, released[1], "clear releases");
            buffer.appendReference(m.asSlice(0, 0), () -> released[2]++);
            assertEquals(1, released[2], "an empty reference is released at once");
            buffer.clear();
            assertArrayEquals(new int[]{1, 1, 1}, released);
            assertThrows(IllegalArgumentException.class,
                    () -> buffer.appendReference(MemorySegment.ofArray(new byte[3]), null));
        }
    }

    @Test
    void aThrowingReleaseStillCompletesTheOperation() {
        try (Arena arena = Arena.ofConfined()) {
            buffer.appendReference(arena.allocate(2), () -> {
                throw new IllegalStateException("boom 1");
            });
            buffer.appendReference(arena.allocate(2), () -> {
                throw new IllegalStateException("boom 2");
            });
            buffer.append(ascii("xy"));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> buffer.drain(4));
            assertEquals("boom 1", e.getMessage());
            assertEquals("boom 2", e.getSuppressed()[0].getMessage());
            assertEquals("xy", contents(buffer), "the drain completed");
        }
    }

    @Test
    void frozenEndsRefuseTheirOperations() {
        buffer.append(ascii("abcd\n"));
        buffer.freezeStart(true);
        FrozenBufferException e = assertThrows(FrozenBufferException.class, () -> buffer.drain(1));
        assertTrue(e.atStart());
        assertThrows(FrozenBufferException.class, () -> buffer.prepend(ascii("x")));
        assertThrows(FrozenBufferException.class, () -> buffer.readLine(EolStyle.LF));
        assertThrows(FrozenBufferException.class, () -> buffer.read(new byte[1], 0, 1));
        try (Buffer dst = new Buffer(pool)) {
            assertThrows(FrozenBufferException.class, () -> buffer.remove(dst, 1));
            assertThrows(FrozenBufferException.class, () -> dst.append(buffer));
            buffer.append(ascii("ok")); // the end is not frozen
            buffer.freezeStart(false);
            buffer.freezeEnd(true);
            assertTrue(buffer.isEndFrozen());
            e = assertThrows(FrozenBufferException.class, () -> buffer.append(ascii("x")));
            assertFalse(e.atStart());
            assertThrows(FrozenBufferException.class, () -> buffer.appendByte(1));
            assertThrows(FrozenBufferException.class, () -> buffer.reserve(1));
            assertThrows(FrozenBufferException.class, () -> buffer.append(dst));
            assertThrows(FrozenBufferException.class, () -> dst.remove(buffer, 1));
            assertThrows(FrozenBufferException.class, () -> buffer.readFrom(0, 1));
            assertEquals(1, buffer.drain(1), "the start is not frozen");
        }
        assertEquals("bcd\nok", contents(buffer));
        buffer.freezeEnd(false);
    }

    @Test
    void listenersSeeEachChangeOnce() {
        List<String> calls = new ArrayList<>();
        BufferListener l = (b, orig, added, removed) -> {
            assertSame(buffer, b);
            calls.add(orig + "+" + added + "-" + removed);
        };
        buffer.addListener(l);
        buffer.append(ascii("hello"));
        buffer.drain(2);
        buffer.drain(0);
        buffer.append(new byte[0]);
        buffer.reserve(1);
        buffer.commit(1);
        try (Buffer dst = new Buffer(pool)) {
            List<String> dstCalls = new ArrayList<>();
            dst.addListener((b, orig, added, removed) -> dstCalls.add(orig + "+" + added + "-" + removed));
            buffer.remove(dst, 3);
            assertEquals(List.of("0+3-0"), dstCalls);
        }
        buffer.readLine(EolStyle.LF);
        assertEquals(List.of("0+5-0", "5+0-2", "3+1-0", "4+0-3"), calls);
        assertTrue(buffer.removeListener(l));
        assertFalse(buffer.removeListener(l));
        buffer.append(ascii("x"));
        assertEquals(4, calls.size(), "removed listeners hear nothing");
    }

    @Test
    void aThrowingListenerDoesNotStopTheOthersOrTheChange() {
        int[] heard = new int[1];
        buffer.addListener((b, o, a, r) -> {
            throw new IllegalArgumentException("listener failed");
        });
        buffer.addListener((b, o, a, r) -> heard[0]++);
        assertThrows(IllegalArgumentException.class, () -> buffer.append(ascii("abc")));
        assertEquals(1, heard[0]);
        assertEquals("abc", contents(buffer));
    }
}
