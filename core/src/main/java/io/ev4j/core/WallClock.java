package io.ev4j.core;

/// The wall clock periodic watchers follow: nanoseconds since 1970-01-01T00:00Z, which may
/// jump when the system time is set.
///
/// ```java
/// Loop loop = Loop.builder().wallClock(myTestWallClock).build();
/// ```
///
/// The loop reads it once per iteration, beside its monotonic [NanoClock]. Tests inject a
/// manual one to make periodics and clock jumps deterministic.
@FunctionalInterface
public interface WallClock {
    /// The system time, at the millisecond resolution of [System#currentTimeMillis()] (which
    /// allocates nothing).
    WallClock SYSTEM = () -> System.currentTimeMillis() * 1_000_000L;

    /// The current time in ns since the epoch.
    long epochNanos();
}
