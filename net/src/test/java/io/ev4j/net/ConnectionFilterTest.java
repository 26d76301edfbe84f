package io.ev4j.net;

import io.ev4j.core.BackendKind;
import io.ev4j.core.Loop;
import io.ev4j.net.buffer.Buffer;
import io.ev4j.net.buffer.SegmentPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// Filters on the way in and out: an upper-caser and a length-prefix framer, over loopback TCP
/// and over pairs.
@Timeout(30)
@EnabledOnOs(OS.LINUX)
class ConnectionFilterTest extends NetTestCase {
    ConnectionFilterTest() {
        super(new SegmentPool(64, 64));
    }

    private final List<String> events = new ArrayList<>();
    private final List<ConnectionFilter.Mode> modes = new ArrayList<>();

    static java.util.stream.Stream<BackendKind> backends() {
        return NetTesting.backends();
    }

    /// Upper-cases ASCII letters, at most `dstLimit` bytes per call; records the modes.
    private final ConnectionFilter upper = (src, dst, dstLimit, mode) -> {
        modes.add(mode);
        byte[] b = new byte[(int) Math.min(src.length(), dstLimit)];
        src.read(b, 0, b.length);
        for (int i = 0; i < b.length; i++) {
            if (b[i] >= 'a' && b[i] <= 'z') {
                b[i] -= 32;
            }
        }
        dst.append(b);
        return ConnectionFilter.Result.OK;
    };

    /// Out: everything available as one frame, a 4-byte big-endian length and the bytes.
    static final ConnectionFilter FRAME = (src, dst, dstLimit, mode) -> {
        if (src.isEmpty()) {
            return ConnectionFilter.Result.OK;
        }
        ByteBuffer header = ByteBuffer.allocate(4).putInt((int) src.length()).flip();
        dst.append(header);
        dst.append(src);
        return ConnectionFilter.Result.OK;
    };

    /// In: whole frames' payloads; a frame longer than 1 MiB or cut off at the end is an error.
    static final ConnectionFilter UNFRAME = (src, dst, dstLimit, mode) -> {
        while (src.length() >= 4) {
            byte[] h = new byte[4];
            src.peek(0, h, 0, 4);
            int length = ByteBuffer.wrap(h).getInt();
            if (length < 0 || length > 1 << 20) {
                return ConnectionFilter.Result.ERROR;
            }
            if (src.length() < 4L + length) {
                break;
            }
            src.drain(4);
            src.remove(dst, length);
        }
        if (src.isEmpty()) {
            return ConnectionFilter.Result.OK;
        }
        return mode == ConnectionFilter.Mode.FINISHED ? ConnectionFilter.Result.ERROR : ConnectionFilter.Result.NEED_MORE;
    };

    private static String text(Buffer b) {
        byte[] x = new byte[(int) b.length()];
        b.read(x, 0, x.length);
        return new String(x, StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void anInputFilterTransformsWhatIsReadAndHearsTheEndOfStream(BackendKind kind) throws IOException {
        loop = NetTesting.loop(kind);
        var cs = NetTesting.connect(loop, pool);
        StringBuilder got = new StringBuilder();
        cs.server().setFilters(upper, null);
        cs.server().setCallbacks(c -> got.append(text(c.input())), null, (c, ev) -> {
            events.add(ConnectionEvents.toString(ev));
            c.close();
        });
        cs.server().enableReading();
        String sent = "the quick brown fox jumps over the lazy dog ".repeat(100);
        cs.client().setCallbacks(null, null, (c, ev) -> {
            c.output().append(sent.getBytes());
            c.finishOutput();
        });
        loop.run();
        assertEquals(sent.toUpperCase(), got.toString());
        assertEquals(List.of("READING|EOF"), events);
        assertEquals(ConnectionFilter.Mode.FINISHED, modes.getLast());
        cs.client().close();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void anOutputFramerPutsLengthPrefixesOnTheWireAndTheInputFramerTakesThemOff(BackendKind kind) throws IOException {
        loop = NetTesting.loop(kind);
        var cs = NetTesting.connect(loop, pool);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        cs.server().setCallbacks(c -> {
            byte[] b = new byte[(int) c.input().length()];
            c.input().read(b, 0, b.length);
            wire.writeBytes(b);
            if (wire.size() == 4 + 5 + 4 + 3) {
                c.output().append(b);               // echo the frames back raw
                c.finishOutput();
            }
        }, null, null);
        cs.server().enableReading();
        StringBuilder decoded = new StringBuilder();
        cs.client().setFilters(UNFRAME, FRAME);
        cs.client().setCallbacks(c -> decoded.append(text(c.input())).append('|'), null, (c, ev) -> {
            if (ev == ConnectionEvents.CONNECTED) {
                c.output().append("hello".getBytes());   // one frame per append
                c.output().append("abc".getBytes());
                c.enableReading();
            } else {
                events.add(ConnectionEvents.toString(ev));
                cs.closeBoth();
            }
        });
        loop.run();
        byte[] expected = ByteBuffer.allocate(16).putInt(5).put("hello".getBytes()).putInt(3).put("abc".getBytes()).array();
        assertArrayEquals(expected, wire.toByteArray());
        assertTrue(decoded.toString().equals("helloabc|") || decoded.toString().equals("hello|abc|"), decoded.toString());
        assertEquals(List.of("READING|EOF"), events);
    }

    @Test
    void aFrameCutAcrossWritesWaitsUntilItIsWhole() {
        loop = Loop.create();
        ConnectionPair pair = ConnectionPair.create(loop, pool);
        List<String> frames = new ArrayList<>();
        pair.second().setFilters(UNFRAME, null);
        pair.second().setCallbacks(c -> frames.add(text(c.input())), null, null);
        pair.second().enableReading();
        byte[] wire = ByteBuffer.allocate(4 + 200 + 4 + 1).putInt(200).put(new byte[200]).putInt(1).put((byte) 'z').array();
        for (int i = 0; i < wire.length; i += 5) {     // the first frame ends inside a piece
            pair.first().output().append(wire, i, Math.min(5, wire.length - i));
        }
        assertEquals(List.of(200, 1), frames.stream().map(String::length).toList());
        assertEquals(List.of("\0".repeat(200), "z"), frames);
        pair.first().close();
        pair.second().close();
    }

    @Test
    void aFilterErrorIsAnErrorEventOnItsSide() {
        loop = Loop.create();
        ConnectionPair pair = ConnectionPair.create(loop, pool);
        pair.second().setFilters(UNFRAME, null);
        pair.second().setCallbacks(c -> events.add("read"), null, (c, ev) -> events.add(ConnectionEvents.toString(ev)));
        pair.second().enableReading();
        pair.first().output().append(ByteBuffer.allocate(4).putInt(-1).flip());
        assertEquals(List.of("READING|ERROR"), events);
        assertTrue(pair.second().lastError().getMessage().contains("input filter"), pair.second().lastError().getMessage());
        assertFalse(pair.second().isReadingEnabled());
        events.clear();
        pair.first().setFilters(null, (src, dst, limit, mode) -> {
            throw new IllegalStateException("broken");
        });
        pair.first().setCallbacks(null, null, (c, ev) -> events.add(ConnectionEvents.toString(ev)));
        pair.first().output().appendByte(1);
        assertEquals(List.of("WRITING|ERROR"), events);
        assertTrue(pair.first().lastError().getCause() instanceof IllegalStateException);
        pair.first().close();
        pair.second().close();
    }

    @Test
    void anInputFilterRespectsTheHighWatermarkAndResumesAsTheInputDrains() {
        loop = Loop.create();
        ConnectionPair pair = ConnectionPair.create(loop, pool);
        BufferedConnection reader = pair.second();
        reader.setFilters(upper, null);
        reader.setReadWatermarks(0, 100);
        reader.enableReading();
        pair.first().output().append("x".repeat(250).getBytes());
        assertEquals(100, reader.input().length());
        assertTrue(reader.isReadingSuspended());
        StringBuilder got = new StringBuilder(text(reader.input()));
        got.append(text(reader.input()));
        got.append(text(reader.input()));
        assertEquals("X".repeat(250), got.toString());
        pair.first().close();
        pair.second().close();
    }
}
