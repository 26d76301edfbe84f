package io.ev4j.core;

/// A clock that moves only when told to.
final class ManualClock implements NanoClock {
    private long nowNs;

    @Override
    public long nanoTime() {
        return nowNs;
    }

    void advance(long durationNs) {
        nowNs += durationNs;
    }
}
