package io.ev4j.core;

import io.ev4j.core.backend.Backend;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.locks.LockSupport;

/// The blocking step of a loop's iteration: the io collect sleep, the release and acquire
/// hooks around the backend's poll, and the metrics of the poll (time blocked, events).
/// Loop thread only.
final class LoopPoller {
    private final Backend backend;
    private final SourceTable sources;
    private final MetricCounters counters;
    private final NanoClock clock;
    private final long originNs;
    /// See [Loop#setIoCollectIntervalNs]; 0 is off.
    long ioCollectIntervalNs;
    /// Loop time of the loop's last clock reading, from which the io collect sleep counts.
    long lastClockReadNs;
    Runnable releaseHook;
    Runnable acquireHook;

    LoopPoller(Backend backend, SourceTable sources, MetricCounters counters, NanoClock clock, long originNs) {
        this.backend = backend;
        this.sources = sources;
        this.counters = counters;
        this.clock = clock;
        this.originNs = originNs;
    }

    /// Polls the backend for up to `timeoutNs` (0: not at all, -1: without limit).
    ///
    /// @throws UncheckedIOException the backend's poll failed
    void poll(long timeoutNs) {
        if (ioCollectIntervalNs > 0 && timeoutNs != 0) {
            timeoutNs = sleepToCollectIo(timeoutNs);
        }
        if (releaseHook != null) {
            releaseHook.run();
        }
        long pollStartNs = timeoutNs != 0 ? clock.nanoTime() : 0;
        try {
            counters.eventsReceived += backend.poll(timeoutNs, sources);
        } catch (IOException e) {
            throw new UncheckedIOException(backend.name() + " poll failed", e);
        } finally {
            if (timeoutNs != 0) {
                counters.blockedNs += clock.nanoTime() - pollStartNs;
            }
            if (acquireHook != null) {
                acquireHook.run();
            }
        }
    }

    /// Sleeps up to the io collect interval (less the time since the last clock reading) so
    /// that one poll gathers more events; returns what is left of the timeout.
    private long sleepToCollectIo(long timeoutNs) {
        long sleepNs = ioCollectIntervalNs - (clock.nanoTime() - originNs - lastClockReadNs);
        if (timeoutNs > 0) {
            sleepNs = Math.min(sleepNs, timeoutNs);
        }
        if (sleepNs <= 0) {
            return timeoutNs;
        }
        LockSupport.parkNanos(sleepNs);
        return timeoutNs < 0 ? -1 : Math.max(0, timeoutNs - sleepNs);
    }
}
