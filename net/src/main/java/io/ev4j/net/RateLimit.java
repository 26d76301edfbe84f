package io.ev4j.net;

import java.time.Duration;

/// A token bucket's settings: how many bytes may be read and written per tick, and how many
/// may accumulate while the connection is quiet (the burst).
///
/// ```java
/// connection.setRateLimit(RateLimit.perTick(64 * 1024, 64 * 1024, Duration.ofMillis(100))); // ~640 KB/s each way
/// ```
///
/// The bucket starts full. A read or write takes no more than the tokens left; when they run
/// out the connection stops reading (or writing) until the next tick adds `rate` tokens, up to
/// `burst`. Ticks follow the loop's clock ([io.ev4j.core.Loop#nowNs()]), so a manual clock
/// makes rates exact in tests. Use [Long#MAX_VALUE] as a rate and burst for "no limit" on
/// one side.
///
/// @param readRateBytes   bytes added to the read budget per tick, >= 1
/// @param readBurstBytes  most read tokens held, >= `readRateBytes`
/// @param writeRateBytes  bytes added to the write budget per tick, >= 1
/// @param writeBurstBytes most write tokens held, >= `writeRateBytes`
/// @param tickNs          tick length in ns, > 0
public record RateLimit(long readRateBytes, long readBurstBytes, long writeRateBytes, long writeBurstBytes,
                        long tickNs) {

    /// Checks the settings.
    ///
    /// @throws IllegalArgumentException a rate < 1, a burst below its rate, or a tick <= 0
    public RateLimit {
        check("read", readRateBytes, readBurstBytes);
        check("write", writeRateBytes, writeBurstBytes);
        if (tickNs <= 0) {
            throw new IllegalArgumentException("rate limit tick must be > 0 ns, got " + tickNs);
        }
    }

    private static void check(String side, long rate, long burst) {
        if (rate < 1) {
            throw new IllegalArgumentException(side + " rate must be >= 1 byte per tick, got " + rate);
        }
        if (burst < rate) {
            throw new IllegalArgumentException(side + " burst must be >= its rate (" + rate + "), got " + burst);
        }
    }

    /// Rates per `tick` with bursts equal to the rates.
    public static RateLimit perTick(long readBytes, long writeBytes, Duration tick) {
        return new RateLimit(readBytes, readBytes, writeBytes, writeBytes, tick.toNanos());
    }
}
