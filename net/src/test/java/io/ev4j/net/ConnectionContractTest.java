package io.ev4j.net;

import io.ev4j.core.BackendKind;
import io.ev4j.core.Loop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// What callers rely on besides the byte flow: throwing callbacks, refused arguments, deferred
/// events, and closing from inside callbacks.
@Timeout(30)
@EnabledOnOs(OS.LINUX)
class ConnectionContractTest extends NetTestCase {
    private final List<String> seen = new ArrayList<>();

    static java.util.stream.Stream<BackendKind> backends() {
        return NetTesting.backends();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aThrowingCallbackGoesToTheLoopsErrorHandlerAndTheConnectionGoesOn(BackendKind kind) throws IOException {
        loop = Loop.builder().backend(kind).errorHandler((l, w, e) -> seen.add("handler: " + e.getMessage())).build();
        var cs = NetTesting.connect(loop, pool);
        cs.server().setCallbacks(c -> {
            seen.add("read " + c.input().length());
            c.input().clear();
            if (seen.size() == 1) {
                throw new IllegalStateException("first read broke");
            }
            cs.closeBoth();
        }, null, null);
        cs.server().enableReading();
        cs.client().output().append(new byte[10]);
        NetTesting.runUntil(loop, () -> seen.size() == 2, 5000);
        cs.client().output().append(new byte[5]);
        loop.run();
        assertEquals(List.of("read 10", "handler: first read broke", "read 5"), seen);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void deferredEventsAndClosingFromACallbackAreSafe(BackendKind kind) throws IOException {
        loop = NetTesting.loop(kind);
        var cs = NetTesting.connect(loop, pool, ConnectionOption.DEFER_CALLBACKS);
        cs.server().setCallbacks(c -> seen.add("read"), null, (c, ev) -> seen.add(ConnectionEvents.toString(ev)));
        cs.server().enableReading();
        cs.client().setCallbacks(null, null, (c, ev) -> {
            seen.add("client " + ConnectionEvents.toString(ev));
            c.output().append("bye".getBytes());
            c.close();                             // before the write: nothing is sent, the peer sees EOF
        });
        loop.run();
        assertEquals(List.of("client CONNECTED", "READING|EOF"), seen);
        assertFalse(cs.server().isReadingEnabled());
        cs.server().close();
    }

    @Test
    void activityPushesTheReadTimeoutBackAndAWatermarkHoldPausesIt() {
        NetTesting.ManualClock clock = new NetTesting.ManualClock();
        loop = Loop.builder().clock(clock).build();
        ConnectionPair pair = ConnectionPair.create(loop, pool);
        BufferedConnection reader = pair.second();
        reader.setCallbacks(null, null, (c, ev) -> seen.add(ConnectionEvents.toString(ev)));
        reader.setTimeouts(100_000_000L, 0);
        reader.setReadWatermarks(0, 10);
        reader.enableReading();
        step(clock, 60);
        pair.first().output().appendByte('a');      // activity: 100 ms from now again
        step(clock, 60);
        assertEquals(List.of(), seen);
        pair.first().output().append(new byte[9]);  // the input reaches its high watermark
        assertTrue(reader.isReadingSuspended());
        step(clock, 500);
        assertEquals(List.of(), seen, "no timeout while held back by the watermark");
        reader.input().clear();                     // released: the timer runs again
        step(clock, 99);
        assertEquals(List.of(), seen);
        step(clock, 1);
        assertEquals(List.of("READING|TIMEOUT"), seen);
        assertFalse(reader.isReadingEnabled());
        pair.first().close();
        reader.close();
    }

    private void step(NetTesting.ManualClock clock, long ms) {
        clock.advance(ms * 1_000_000L);
        loop.runNoWait();
    }

    @Test
    void badArgumentsAreRefusedWithWhatWasWrong() throws IOException {
        loop = Loop.create();
        ConnectionPair pair = ConnectionPair.create(loop, pool);
        BufferedConnection c = pair.first();
        assertMessage("low < high", () -> c.setReadWatermarks(10, 10));
        assertMessage("low < high", () -> c.setReadWatermarks(-1, 0));
        assertMessage("write low watermark", () -> c.setWriteLowWatermark(-1));
        assertMessage("timeouts must be >= 0", () -> c.setTimeouts(-1, 0));
        assertMessage("max read bytes", () -> c.setMaxReadBytes(0));
        assertMessage("unresolved", () -> BufferedConnection.connect(loop, pool,
                InetSocketAddress.createUnresolved("example.invalid", 80)));
        pair.second().disableReading();
        pair.first().setFilters(null, ConnectionFilterTest.FRAME);
        pair.first().output().append(new byte[3]);   // framed, waiting for a reader
        assertThrows(IllegalStateException.class, () -> pair.first().setFilters(null, null));
        try (RateLimitGroup group = new RateLimitGroup(loop, RateLimit.perTick(10, 10, java.time.Duration.ofMillis(1)))) {
            assertMessage("min share", () -> group.setMinShareBytes(0));
            pair.second().close();
            assertMessage("closed connection", () -> group.add(pair.second()));
        }
        pair.first().close();
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
