package io.ev4j.core;

import java.util.Arrays;

/// Callbacks waiting to run: one ring per priority, a merge when a watcher is queued twice,
/// and O(1) cancel.
///
/// ## Order
/// [#runNext] always takes from the highest non-empty priority, so a callback that feeds a
/// higher-priority watcher sees it run next. Within one priority, callbacks run in the order
/// they were queued ([#queue]), except those queued with [#queueFirst], which go before all
/// others of their priority (the loop uses that for check watchers, which run right after the
/// poll, before the events it found).
///
/// ## Cancel
/// [#cancel] leaves a hole (a null) instead of shifting the ring; [#runNext] skips holes.
/// Each watcher stores its ring position in [Watcher#pendingSlot].
final class PendingQueue {
    private static final int INITIAL_CAPACITY = 16;

    private final Watcher[][] rings;
    private final int[][] eventsOf;
    /// Ring position of the first entry, per priority.
    private final int[] head;
    /// Entries between head and tail, holes included, per priority.
    private final int[] used;
    /// Entries that are not holes, per priority.
    private final int[] live;
    private int liveTotal;

    PendingQueue(int priorities) {
        rings = new Watcher[priorities][INITIAL_CAPACITY];
        eventsOf = new int[priorities][INITIAL_CAPACITY];
        head = new int[priorities];
        used = new int[priorities];
        live = new int[priorities];
    }

    /// Queues a call at the end of its priority, or merges `events` into the call already queued.
    void queue(Watcher w, int events) {
        int p = w.priorityIndex();
        if (w.pendingSlot != Watcher.NOT_PENDING) {
            eventsOf[p][w.pendingSlot] |= events;
            return;
        }
        if (used[p] == rings[p].length) {
            grow(p);
        }
        int slot = (head[p] + used[p]) & (rings[p].length - 1);
        put(p, slot, w, events);
    }

    /// Queues a call before every other call of its priority, or merges into the queued one.
    void queueFirst(Watcher w, int events) {
        int p = w.priorityIndex();
        if (w.pendingSlot != Watcher.NOT_PENDING) {
            eventsOf[p][w.pendingSlot] |= events;
            return;
        }
        if (used[p] == rings[p].length) {
            grow(p);
        }
        head[p] = (head[p] - 1) & (rings[p].length - 1);
        put(p, head[p], w, events);
    }

    private void put(int p, int slot, Watcher w, int events) {
        rings[p][slot] = w;
        eventsOf[p][slot] = events;
        w.pendingSlot = slot;
        used[p]++;
        live[p]++;
        liveTotal++;
    }

    /// Removes `w`'s queued call and returns its events, or 0 if none was queued. O(1).
    int cancel(Watcher w) {
        int slot = w.pendingSlot;
        if (slot == Watcher.NOT_PENDING) {
            return 0;
        }
        int p = w.priorityIndex();
        rings[p][slot] = null;
        int events = eventsOf[p][slot];
        w.pendingSlot = Watcher.NOT_PENDING;
        live[p]--;
        liveTotal--;
        return events;
    }

    /// Number of queued calls (holes not counted).
    int size() {
        return liveTotal;
    }

    /// Number of queued calls at priority index `p` (0 is the lowest priority).
    int size(int p) {
        return live[p];
    }

    /// Takes the next call (highest priority first), marks its watcher not pending, and
    /// returns the watcher; its events are then in [#lastEvents]. Null when empty.
    Watcher takeNext() {
        for (int p = rings.length - 1; p >= 0; p--) {
            if (live[p] == 0) {
                continue;
            }
            Watcher[] ring = rings[p];
            int mask = ring.length - 1;
            while (true) {
                int slot = head[p];
                Watcher w = ring[slot];
                ring[slot] = null;
                head[p] = (slot + 1) & mask;
                used[p]--;
                if (w != null) {
                    live[p]--;
                    liveTotal--;
                    w.pendingSlot = Watcher.NOT_PENDING;
                    lastEvents = eventsOf[p][slot];
                    return w;
                }
            }
        }
        return null;
    }

    /// The events of the call [#takeNext] returned last.
    int lastEvents;

    /// Doubles ring `p`, laying its entries out from position 0 and dropping holes.
    private void grow(int p) {
        Watcher[] old = rings[p];
        int[] oldEvents = eventsOf[p];
        Watcher[] ring = new Watcher[old.length * 2];
        int[] events = new int[old.length * 2];
        int n = 0;
        for (int i = 0; i < used[p]; i++) {
            int slot = (head[p] + i) & (old.length - 1);
            Watcher w = old[slot];
            if (w != null) {
                ring[n] = w;
                events[n] = oldEvents[slot];
                w.pendingSlot = n;
                n++;
            }
        }
        rings[p] = ring;
        eventsOf[p] = events;
        head[p] = 0;
        used[p] = n;
    }

    /// Drops every queued call.
    void clear() {
        Watcher w;
        while ((w = takeNext()) != null) {
            w.pendingSlot = Watcher.NOT_PENDING;
        }
    }

    /// Checks every invariant; throws [IllegalStateException] naming the first broken one.
    void verify() {
        int total = 0;
        for (int p = 0; p < rings.length; p++) {
            Watcher[] ring = rings[p];
            check(Integer.bitCount(ring.length) == 1, "ring size is a power of two");
            check(used[p] >= live[p] && used[p] <= ring.length, "ring " + p + " counts are in range");
            int seen = 0;
            for (int i = 0; i < used[p]; i++) {
                int slot = (head[p] + i) & (ring.length - 1);
                Watcher w = ring[slot];
                if (w != null) {
                    seen++;
                    check(w.pendingSlot == slot, w + " at ring " + p + " slot " + slot
                            + " has pendingSlot " + w.pendingSlot);
                    check(w.priorityIndex() == p, w + " queued under the wrong priority");
                }
            }
            for (int i = used[p]; i < ring.length; i++) {
                check(ring[(head[p] + i) & (ring.length - 1)] == null, "ring " + p + " is empty past its end");
            }
            check(seen == live[p], "ring " + p + " holds " + seen + " calls but counts " + live[p]);
            total += seen;
        }
        check(total == liveTotal, "pending total " + liveTotal + " != " + total);
    }

    static void check(boolean ok, String invariant) {
        if (!ok) {
            throw new IllegalStateException("loop invariant broken: " + invariant);
        }
    }

    @Override
    public String toString() {
        return "PendingQueue" + Arrays.toString(live);
    }
}
