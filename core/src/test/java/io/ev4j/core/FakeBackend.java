package io.ev4j.core;

import io.ev4j.core.backend.Backend;

import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/// A backend with no OS underneath: readiness is set by the test, and a blocking poll
/// advances the manual clock by its timeout instead of sleeping.
final class FakeBackend implements Backend {
    final ManualClock clock;
    final List<String> modifications = new ArrayList<>();
    final Map<Integer, Integer> registered = new HashMap<>();
    final Map<Integer, Integer> readyNow = new HashMap<>();
    final Set<Integer> refused = new HashSet<>();
    final AtomicInteger wakeups = new AtomicInteger();
    final List<Long> pollTimeouts = new ArrayList<>();
    boolean closed;

    FakeBackend(ManualClock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public boolean watchesFds() {
        return true;
    }

    @Override
    public void modify(int slot, int fd, SelectableChannel channel, int oldMask, int newMask, boolean force)
            throws IOException {
        if (refused.contains(fd)) {
            throw new IOException("fd " + fd + " refused");
        }
        modifications.add(fd + ":" + oldMask + "->" + newMask + (force ? "!" : ""));
        if (newMask == 0) {
            registered.remove(slot);
        } else {
            registered.put(slot, newMask);
        }
    }

    @Override
    public int poll(long timeoutNs, ReadySink sink) {
        pollTimeouts.add(timeoutNs);
        int n = 0;
        for (Map.Entry<Integer, Integer> e : readyNow.entrySet()) {
            int mask = e.getValue() & registered.getOrDefault(e.getKey(), 0);
            if (mask != 0) {
                sink.ready(e.getKey(), mask);
                n++;
            }
        }
        if (n == 0 && timeoutNs > 0) {
            clock.advance(timeoutNs);
        }
        return n;
    }

    @Override
    public void wakeup() {
        wakeups.incrementAndGet();
    }

    @Override
    public void close() {
        closed = true;
    }
}
