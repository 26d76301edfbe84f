package io.ev4j.core;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/// One loop's side of [SignalWatcher]: its active signal watchers, by signal, and the flags the
/// signal handler sets for it (see [SignalRegistry]).
///
/// A delivery counts itself in its [Slot], then sets [#raised]; only the first setter since
/// the loop last looked asks the loop to wake up. After each poll that was woken up, the loop
/// clears [#raised] before it reads the counts, so a delivery is either seen now or wakes the
/// next poll.
final class LoopSignals {
    private final Loop loop;
    private final PendingQueue pending;
    private final AtomicBoolean raised = new AtomicBoolean();
    private final Slot[] slots = new Slot[SignalRegistry.MAX_SIGNAL + 1];
    private int size;

    LoopSignals(Loop loop, PendingQueue pending) {
        this.loop = loop;
        this.pending = pending;
    }

    /// This loop's interest in one signal: what the process-wide registry holds.
    final class Slot {
        final int signal;
        private final AtomicInteger deliveries = new AtomicInteger();
        private final WatcherList<SignalWatcher> watchers = new WatcherList<>();

        private Slot(int signal) {
            this.signal = signal;
        }

        /// Any thread: one more delivery for this loop.
        void deliver() {
            deliveries.incrementAndGet();
            if (!raised.get() && !raised.getAndSet(true)) {
                loop.wakeupForAsync();
            }
        }
    }

    /// Active signal watchers on this loop.
    int size() {
        return size;
    }

    /// Starts watching; the first watcher of a signal on this loop registers the loop for it.
    ///
    /// @throws IllegalArgumentException the JVM refuses the signal
    void add(SignalWatcher w) {
        int number = w.signal();
        Slot slot = slots[number];
        if (slot == null) {
            slot = slots[number] = new Slot(number);
        }
        if (slot.watchers.size() == 0) {
            slot.deliveries.set(0);
            SignalRegistry.add(slot);
        }
        w.deliveries = 0;
        slot.watchers.add(w);
        size++;
    }

    void remove(SignalWatcher w) {
        Slot slot = slots[w.signal()];
        slot.watchers.remove(w);
        size--;
        if (slot.watchers.size() == 0) {
            SignalRegistry.remove(slot);
        }
    }

    /// Loop thread, after a woken poll: queues every watcher whose signal came, adding the
    /// number of deliveries to what its next callback reports.
    void queueRaised() {
        if (!raised.get() || !raised.getAndSet(false)) {
            return;
        }
        for (Slot slot : slots) {
            if (slot == null || slot.watchers.size() == 0) {
                continue;
            }
            int n = slot.deliveries.getAndSet(0);
            if (n == 0) {
                continue;
            }
            for (int i = 0; i < slot.watchers.size(); i++) {
                SignalWatcher w = slot.watchers.get(i);
                w.deliveries += n;
                pending.queue(w, Events.SIGNAL);
            }
        }
    }

    /// Deliveries counted for `signal` and not yet queued (for tests).
    int undelivered(int signal) {
        Slot slot = slots[signal];
        return slot == null ? 0 : slot.deliveries.get();
    }

    /// Stops every signal watcher (the loop is closing), restoring handlers where it was last.
    void stopAll() {
        for (Slot slot : slots) {
            while (slot != null && slot.watchers.size() > 0) {
                slot.watchers.get(slot.watchers.size() - 1).stop();
            }
        }
    }

    void verify() {
        int listed = 0;
        for (Slot slot : slots) {
            if (slot != null) {
                slot.watchers.verify("signal");
                listed += slot.watchers.size();
            }
        }
        PendingQueue.check(listed == size, "signal watcher count " + size + " != " + listed);
    }
}
