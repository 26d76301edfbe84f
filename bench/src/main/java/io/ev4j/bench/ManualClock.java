package io.ev4j.bench;

import io.ev4j.core.NanoClock;

/// A [NanoClock] that moves only when a benchmark (or a blocking [BenchBackend] poll) says so,
/// which makes timer benchmarks independent of how fast the machine is.
///
/// ```java
/// ManualClock clock = new ManualClock();
/// Loop loop = Loop.builder().backend(new BenchBackend(clock)).clock(clock).build();
/// clock.advance(1_000_000);      // one millisecond later
/// loop.runNoWait();              // fires what is due
/// ```
///
/// Loop thread only.
final class ManualClock implements NanoClock {
    private long nowNs;

    @Override
    public long nanoTime() {
        return nowNs;
    }

    /// Moves the clock `durationNs` forward.
    void advance(long durationNs) {
        nowNs += durationNs;
    }
}
