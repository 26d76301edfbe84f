package io.ev4j.core;

/// A monotonic clock in nanoseconds; the loop reads it once or twice per iteration.
///
/// ```java
/// Loop loop = Loop.builder().clock(myTestClock).build();
/// ```
///
/// Only differences between readings matter. Tests inject a manual clock to make timers
/// deterministic.
@FunctionalInterface
public interface NanoClock {
    /// [System#nanoTime()].
    NanoClock SYSTEM = System::nanoTime;

    /// The current reading, in nanoseconds.
    long nanoTime();
}
