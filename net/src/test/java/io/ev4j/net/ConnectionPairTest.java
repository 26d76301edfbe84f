package io.ev4j.net;

import io.ev4j.core.BackendKind;
import io.ev4j.core.Loop;
import io.ev4j.net.buffer.SegmentPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// In-process pairs, and deferred callbacks on pairs and on sockets.
@Timeout(30)
class ConnectionPairTest {
    private final SegmentPool pool = new SegmentPool(256, 64);
    private final Loop loop = Loop.create();
    private final List<String> events = new ArrayList<>();

    @AfterEach
    void checkEmpty() {
        assertFalse(loop.run(Loop.RunMode.NOWAIT), "watchers left active");
        loop.close();
        NetTesting.closePool(pool);
    }

    private static String drain(BufferedConnection c) {
        byte[] b = new byte[(int) c.input().length()];
        c.input().read(b, 0, b.length);
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void whatOneEndWritesTheOtherReadsAndEndOfStreamFollowsTheLastByte() {
        ConnectionPair pair = ConnectionPair.create(loop, pool);
        StringBuilder got = new StringBuilder();
        pair.second().setCallbacks(c -> got.append(drain(c)), null,
                (c, ev) -> events.add("second:" + ConnectionEvents.toString(ev)));
        pair.second().enableReading();
        int[] flushed = {0};
        pair.first().setCallbacks(null, c -> flushed[0]++, null);
        pair.first().output().append("hello ".getBytes());
        pair.first().output().append("world".getBytes());
        pair.first().finishOutput();
        assertEquals("hello world", got.toString());
        assertEquals(2, flushed[0]);
        loop.run();                                 // the end of stream comes from the loop
        assertEquals(List.of("second:READING|EOF"), events);
        assertFalse(pair.second().isReadingEnabled());
        pair.first().close();
        pair.second().close();
    }

    @Test
    void bytesWaitWhileTheReaderIsDisabledOrFullAndMoveWhenThatChanges() {
        ConnectionPair pair = ConnectionPair.create(loop, pool);
        BufferedConnection reader = pair.second();
        BufferedConnection writer = pair.first();
        writer.output().append(new byte[10_000]);
        assertEquals(10_000, writer.output().length(), "moved to a reader that does not read");
        reader.setReadWatermarks(0, 4096);
        reader.enableReading();
        assertEquals(4096, reader.input().length());
        assertEquals(10_000 - 4096, writer.output().length());
        assertTrue(reader.isReadingSuspended());
        reader.input().drain(4096);                 // room again: the rest moves up to the mark
        assertEquals(4096, reader.input().length());
        reader.input().drain(4096);
        assertEquals(10_000 - 8192, reader.input().length());
        assertTrue(writer.output().isEmpty());
        writer.disableWriting();
        writer.output().append(new byte[5]);
        assertEquals(5, writer.output().length());
        writer.enableWriting();
        assertTrue(writer.output().isEmpty());
        writer.close();
        reader.close();
    }

    @Test
    void closingOneEndIsEndOfStreamForTheOther() {
        ConnectionPair pair = ConnectionPair.create(loop, pool);
        pair.second().setCallbacks(null, null, (c, ev) -> events.add(ConnectionEvents.toString(ev)));
        pair.second().enableReading();
        pair.first().close();
        loop.run();
        assertEquals(List.of("READING|EOF"), events);
        pair.first().output();                      // closed ends are inert
        pair.second().output().append(new byte[3]); // nobody to send to: stays
        assertEquals(3, pair.second().output().length());
        pair.second().close();
    }

    /// Two ends that answer every message: without deferral each answer runs inside the
    /// previous one's write, so the stack grows with the conversation.
    @Test
    void withoutDeferralAnsweringEndsRecurse() {
        assertEquals(50, maxDepthOfPingPong(50));
    }

    @Test
    void deferredCallbacksNeverRecurseAndTheConversationStillCompletes() {
        assertEquals(1, maxDepthOfPingPong(5000, ConnectionOption.DEFER_CALLBACKS));
    }

    private int maxDepthOfPingPong(int rounds, ConnectionOption... options) {
        ConnectionPair pair = ConnectionPair.create(loop, pool, options);
        int[] depth = {0, 0};
        int[] count = {0};
        BufferedConnection.DataCallback answer = c -> {
            depth[0]++;
            depth[1] = Math.max(depth[1], depth[0]);
            c.input().drain(c.input().length());
            if (++count[0] < rounds) {
                c.output().appendByte('x');
            }
            depth[0]--;
        };
        pair.first().setCallbacks(answer, null, null);
        pair.second().setCallbacks(answer, null, null);
        pair.first().enableReading();
        pair.second().enableReading();
        pair.first().output().appendByte('x');
        loop.run();
        assertEquals(rounds, count[0]);
        pair.first().close();
        pair.second().close();
        return depth[1];
    }

    static java.util.stream.Stream<BackendKind> backends() {
        return NetTesting.backends();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void deferredCallbacksOnSocketsRunFromTheLoopNotFromTheCall(BackendKind kind) throws IOException {
        try (Loop tcpLoop = NetTesting.loop(kind)) {
            var cs = NetTesting.connect(tcpLoop, pool, ConnectionOption.DEFER_CALLBACKS);
            boolean[] inCall = {false};
            cs.server().setCallbacks(c -> {
                assertFalse(inCall[0], "callback ran inside a call");
                events.add("read " + drain(c));
                inCall[0] = true;
                c.disableReading();                 // none of these run a callback in place
                c.setReadWatermarks(0, 0);
                c.finishOutput();
                inCall[0] = false;
            }, null, (c, ev) -> events.add(ConnectionEvents.toString(ev)));
            cs.server().enableReading();
            cs.client().setCallbacks(null, c -> events.add("sent"), (c, ev) -> {
                events.add(ConnectionEvents.toString(ev));
                c.output().append("hi".getBytes());
            });
            tcpLoop.run();
            assertEquals(List.of("CONNECTED", "sent", "read hi"), events);
            cs.closeBoth();
        }
    }
}
