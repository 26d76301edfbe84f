package io.ev4j.net;

import io.ev4j.core.Loop;
import io.ev4j.core.TimerWatcher;

/// Read and write tokens refilled on a tick timer that runs only while the bucket is not full,
/// so an idle bucket keeps no loop alive. Loop thread only.
final class TokenBucket {
    private final Loop loop;
    private final RateLimit limit;
    private final Runnable onRefill;
    private final TimerWatcher tick;
    private long lastTickNs;
    long readTokens;
    long writeTokens;

    TokenBucket(Loop loop, RateLimit limit, Runnable onRefill) {
        this.loop = loop;
        this.limit = limit;
        this.onRefill = onRefill;
        this.readTokens = limit.readBurstBytes();
        this.writeTokens = limit.writeBurstBytes();
        this.tick = new TimerWatcher(loop, (w, events) -> refill());
        tick.set(limit.tickNs(), limit.tickNs());
    }

    RateLimit limit() {
        return limit;
    }

    void consumeRead(long n) {
        readTokens -= n;
        startTicking();
    }

    void consumeWrite(long n) {
        writeTokens -= n;
        startTicking();
    }

    private void startTicking() {
        if (!tick.isActive()) {
            lastTickNs = loop.nowNs();
            tick.again();                   // stopped and repeating: starts one tick from now
        }
    }

    private void refill() {
        long tickNs = limit.tickNs();
        long ticks = Math.max(1, (loop.nowNs() - lastTickNs) / tickNs);
        lastTickNs += ticks * tickNs;
        readTokens = add(readTokens, ticks, limit.readRateBytes(), limit.readBurstBytes());
        writeTokens = add(writeTokens, ticks, limit.writeRateBytes(), limit.writeBurstBytes());
        if (readTokens == limit.readBurstBytes() && writeTokens == limit.writeBurstBytes()) {
            tick.stop();
        }
        onRefill.run();
    }

    /// `tokens + ticks * rate`, at most `burst`, without overflow.
    private static long add(long tokens, long ticks, long rate, long burst) {
        long room = burst - tokens;
        return ticks >= Math.ceilDiv(room, rate) ? burst : tokens + ticks * rate;
    }

    void close() {
        tick.stop();
    }
}
