package io.ev4j.bench;

import java.util.concurrent.TimeUnit;

/// A seeded pseudo-random sequence that allocates nothing: the SplitMix64 generator, with
/// bounded values taken by a multiply-high instead of a division.
///
/// ```java
/// FastRandom random = new FastRandom(FastRandom.SEED);
/// TimerWatcher t = timers[random.nextIndex(timers.length)];
/// t.start(random.nextDelayNs(), 0);
/// ```
///
/// Every benchmark draws its choices from one of these, ev4j and its peers alike, so the cost
/// of drawing (about 1 ns per value) is the same in every figure.
final class FastRandom {
    /// The seed every benchmark starts from, so runs see the same sequence of choices.
    static final long SEED = 0x5EED_0F_E4_4AL;
    /// The shortest timer delay drawn: one hour, so that no timer of a background fires while
    /// a benchmark runs, however long it is configured to run.
    static final long MIN_DELAY_NS = TimeUnit.HOURS.toNanos(1);
    /// Delays are spread evenly over this span above [#MIN_DELAY_NS].
    static final long DELAY_SPAN_NS = TimeUnit.HOURS.toNanos(1);

    private long state;

    FastRandom(long seed) {
        this.state = seed;
    }

    /// The next 64 random bits.
    long nextLong() {
        long z = state += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /// A value in `[0, bound)`, `bound > 0`.
    int nextIndex(int bound) {
        return (int) Math.unsignedMultiplyHigh(nextLong(), bound);
    }

    /// A timer delay in `[MIN_DELAY_NS, MIN_DELAY_NS + DELAY_SPAN_NS)`.
    long nextDelayNs() {
        return MIN_DELAY_NS + Math.unsignedMultiplyHigh(nextLong(), DELAY_SPAN_NS);
    }
}
