package io.ev4j.bench.load;

/// Round-trip times in fixed buckets: 16 per power of two (within 6.25 %), from 1 ns to hours,
/// in one `long[]` made up front, so recording allocates nothing.
///
/// ```java
/// LatencyHistogram h = new LatencyHistogram();
/// h.record(12_345);
/// long p99Ns = h.percentileNs(0.99);
/// ```
public final class LatencyHistogram {
    private static final int SUB_BITS = 4;
    private static final int SUB = 1 << SUB_BITS;
    private static final int BUCKETS = (63 - SUB_BITS + 1) * SUB;

    private final long[] counts = new long[BUCKETS];
    private long total;

    /// Counts one value (negative values count as 0).
    public void record(long valueNs) {
        counts[index(Math.max(0, valueNs))]++;
        total++;
    }

    /// Forgets every value.
    public void reset() {
        java.util.Arrays.fill(counts, 0);
        total = 0;
    }

    /// Values recorded since the last [#reset()].
    public long count() {
        return total;
    }

    /// The value at quantile `q` (0 < q <= 1): the middle of its bucket; 0 when empty.
    public long percentileNs(double q) {
        if (!(q > 0 && q <= 1)) {
            throw new IllegalArgumentException("quantile must be in (0, 1], got " + q);
        }
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return middle(i);
            }
        }
        return middle(BUCKETS - 1);
    }

    static int index(long v) {
        if (v < SUB) {
            return (int) v;
        }
        int msb = 63 - Long.numberOfLeadingZeros(v);
        int sub = (int) (v >>> (msb - SUB_BITS)) & (SUB - 1);
        return (msb - SUB_BITS + 1) * SUB + sub;
    }

    static long middle(int index) {
        if (index < SUB) {
            return index;
        }
        int msb = index / SUB + SUB_BITS - 1;
        long width = 1L << (msb - SUB_BITS);
        long lower = (long) (SUB + index % SUB) << (msb - SUB_BITS);
        return lower + width / 2;
    }
}
