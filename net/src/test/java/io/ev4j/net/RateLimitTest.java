package io.ev4j.net;

import io.ev4j.core.BackendKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// Token buckets and groups over loopback TCP, counted per tick of a manual clock.
@Timeout(30)
@EnabledOnOs(OS.LINUX)
class RateLimitTest extends NetTestCase {
    private static final long TICK_NS = 10_000_000L;
    private static final long UNLIMITED = Long.MAX_VALUE;

    private final NetTesting.ManualClock clock = new NetTesting.ManualClock();

    static java.util.stream.Stream<BackendKind> backends() {
        return NetTesting.backends();
    }

    /// Runs enough passes without blocking for every byte allowed now to move.
    private void settle() {
        for (int i = 0; i < 30; i++) {
            loop.runNoWait();
        }
    }

    private void tick() {
        clock.advance(TICK_NS);
        settle();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aReadBucketLetsExactlyItsRateInPerTick(BackendKind kind) throws IOException {
        loop = NetTesting.loop(kind, clock);
        var cs = NetTesting.connect(loop, pool);
        BufferedConnection reader = cs.server();
        reader.setRateLimit(new RateLimit(1000, 3000, UNLIMITED, UNLIMITED, TICK_NS));
        reader.enableReading();
        cs.client().output().append(new byte[64 * 1024]);
        settle();
        assertEquals(3000, reader.input().length(), "the burst, all at once");
        assertTrue(reader.isReadingSuspended());
        for (int t = 1; t <= 10; t++) {
            tick();
            assertEquals(3000 + t * 1000L, reader.input().length(), "after tick " + t);
        }
        reader.input().clear();
        clock.advance(5 * TICK_NS);                 // quiet ticks refill up to the burst, no more
        settle();
        assertEquals(3000, reader.input().length(), "five ticks' worth capped at the burst");
        tick();
        assertEquals(4000, reader.input().length());
        cs.closeBoth();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aWriteBucketLetsExactlyItsRateOutPerTick(BackendKind kind) throws IOException {
        loop = NetTesting.loop(kind, clock);
        var cs = NetTesting.connect(loop, pool);
        settle();
        cs.server().enableReading();
        BufferedConnection writer = cs.client();
        writer.setRateLimit(RateLimit.perTick(UNLIMITED, 700, Duration.ofNanos(TICK_NS)));
        int[] writeCallbacks = {0};
        writer.setCallbacks(null, c -> writeCallbacks[0]++, null);
        writer.output().append(new byte[7000]);
        settle();
        assertEquals(700, cs.server().input().length());
        for (int t = 1; t < 10; t++) {
            tick();
            assertEquals(700 + t * 700L, cs.server().input().length(), "after tick " + t);
        }
        assertTrue(writer.output().isEmpty());
        assertEquals(1, writeCallbacks[0], "the write callback runs once the output is out");
        writer.setRateLimit(null);
        assertNull(writer.rateLimit());
        cs.closeBoth();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aGroupSharesItsBudgetFairlyAndLetsOneBusyMemberUseAllOfIt(BackendKind kind) throws IOException {
        loop = NetTesting.loop(kind, clock);
        var a = NetTesting.connect(loop, pool);
        var b = NetTesting.connect(loop, pool);
        var idle = NetTesting.connect(loop, pool);
        try (RateLimitGroup group = new RateLimitGroup(loop, new RateLimit(1200, 1200, UNLIMITED, UNLIMITED, TICK_NS))) {
            group.add(a.server());
            group.add(b.server());
            assertEquals(2, group.memberCount());
            a.server().enableReading();
            b.server().enableReading();
            a.client().output().append(new byte[256 * 1024]);
            b.client().output().append(new byte[256 * 1024]);
            settle();
            for (int t = 1; t <= 5; t++) {
                tick();
            }
            long ra = a.server().input().length();
            long rb = b.server().input().length();
            assertEquals(6 * 1200, ra + rb, "the group's budget over the burst and five ticks");
            assertEquals(ra, rb, "shared evenly: " + ra + " / " + rb);

            group.add(idle.server());               // a member that has nothing to read
            idle.server().enableReading();
            b.server().disableReading();
            a.server().input().clear();
            for (int t = 1; t <= 4; t++) {
                tick();
            }
            assertEquals(4 * 1200, a.server().input().length(), "the busy member gets what the others leave");
            assertEquals(0, idle.server().input().length());

            assertTrue(group.remove(b.server()));
            assertNull(b.server().rateLimitGroup());
            a.closeBoth();                          // closing a member leaves the group
            assertEquals(1, group.memberCount());
        }
        assertNull(idle.server().rateLimitGroup());
        b.closeBoth();
        idle.closeBoth();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aGroupSharesItsWriteBudgetEvenly(BackendKind kind) throws IOException {
        loop = NetTesting.loop(kind, clock);
        var a = NetTesting.connect(loop, pool);
        var b = NetTesting.connect(loop, pool);
        settle();
        a.server().enableReading();
        b.server().enableReading();
        try (RateLimitGroup group = new RateLimitGroup(loop, new RateLimit(UNLIMITED, UNLIMITED, 800, 800, TICK_NS))) {
            group.add(a.client());
            group.add(b.client());
            a.client().output().append(new byte[100_000]);
            b.client().output().append(new byte[100_000]);
            settle();
            for (int t = 1; t <= 5; t++) {
                tick();
                assertEquals(t * 400L + 400, a.server().input().length(), "a after tick " + t);
                assertEquals(t * 400L + 400, b.server().input().length(), "b after tick " + t);
            }
            assertEquals(0, group.writeTokens());
        }
        a.client().output().clear();
        b.client().output().clear();
        a.closeBoth();
        b.closeBoth();
    }

    @Test
    void badSettingsAreRefusedWithTheirName() {
        var e = assertThrows(IllegalArgumentException.class, () -> new RateLimit(0, 1, 1, 1, 1));
        assertTrue(e.getMessage().contains("read rate"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RateLimit(1, 1, 10, 5, 1));
        assertTrue(e.getMessage().contains("write burst"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RateLimit(1, 1, 1, 1, 0));
        assertTrue(e.getMessage().contains("tick"), e.getMessage());
    }
}
