package io.ev4j.core;

/// The active timers, earliest deadline first: a 4-ary min-heap whose deadlines are cached in
/// a `long[]` next to the watchers, so sifting compares longs without touching watcher objects.
///
/// A 4-ary heap is shallower than a binary one and keeps a node's children in one cache line
/// of the `long[]`; each watcher records its position in [Watcher#activeIndex], so a stop is
/// O(log n). Equal deadlines come out in the order the timers were scheduled (a sequence
/// number breaks ties), so timers started together with the same delay fire in start order.
final class TimerHeap<T extends TimedWatcher> {
    private static final int ARITY = 4;

    private TimedWatcher[] timers = new TimedWatcher[16];
    private long[] deadlines = new long[16];
    private int size;
    private long nextSequence;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /// The sequence number the next scheduled timer gets.
    long nextSequence() {
        return nextSequence;
    }

    /// The earliest deadline; only when not empty.
    long firstDeadlineNs() {
        return deadlines[0];
    }

    /// The timer with the earliest deadline; only when not empty.
    @SuppressWarnings("unchecked")
    T first() {
        return (T) timers[0];
    }

    /// Adds `t` due at `deadlineNs`.
    void add(TimedWatcher t, long deadlineNs) {
        if (size == timers.length) {
            timers = java.util.Arrays.copyOf(timers, size * 2);
            deadlines = java.util.Arrays.copyOf(deadlines, size * 2);
        }
        t.sequence = nextSequence++;
        siftUp(size++, t, deadlineNs);
    }

    /// Removes `t`, which must be in the heap.
    void remove(TimedWatcher t) {
        int i = t.activeIndex;
        t.activeIndex = Watcher.INACTIVE;
        int last = --size;
        if (i == last) {
            timers[last] = null;
            return;
        }
        TimedWatcher moved = timers[last];
        long movedAt = deadlines[last];
        timers[last] = null;
        if (i > 0 && precedes(movedAt, moved, deadlines[(i - 1) / ARITY], timers[(i - 1) / ARITY])) {
            siftUp(i, moved, movedAt);
        } else {
            siftDown(i, moved, movedAt);
        }
    }

    /// Gives `t`, which is in the heap, a new deadline; it counts as scheduled now for ties.
    void reschedule(TimedWatcher t, long deadlineNs) {
        remove(t);
        add(t, deadlineNs);
    }

    /// The deadline of `t`, which is in the heap.
    long deadlineOf(TimedWatcher t) {
        return deadlines[t.activeIndex];
    }

    /// Moves every deadline `deltaNs` later; the order does not change.
    void shiftAll(long deltaNs) {
        for (int i = 0; i < size; i++) {
            deadlines[i] += deltaNs;
        }
    }

    private void siftUp(int i, TimedWatcher t, long at) {
        while (i > 0) {
            int parent = (i - 1) / ARITY;
            if (!precedes(at, t, deadlines[parent], timers[parent])) {
                break;
            }
            place(i, timers[parent], deadlines[parent]);
            i = parent;
        }
        place(i, t, at);
    }

    private void siftDown(int i, TimedWatcher t, long at) {
        while (true) {
            int firstChild = i * ARITY + 1;
            if (firstChild >= size) {
                break;
            }
            int best = firstChild;
            int end = Math.min(firstChild + ARITY, size);
            for (int c = firstChild + 1; c < end; c++) {
                if (precedes(deadlines[c], timers[c], deadlines[best], timers[best])) {
                    best = c;
                }
            }
            if (!precedes(deadlines[best], timers[best], at, t)) {
                break;
            }
            place(i, timers[best], deadlines[best]);
            i = best;
        }
        place(i, t, at);
    }

    /// Earlier deadline first; equal deadlines in scheduling order.
    private static boolean precedes(long at, TimedWatcher t, long otherAt, TimedWatcher other) {
        return at < otherAt || (at == otherAt && t.sequence < other.sequence);
    }

    private void place(int i, TimedWatcher t, long at) {
        timers[i] = t;
        deadlines[i] = at;
        t.activeIndex = i;
    }

    /// Checks heap order and back-pointers; throws [IllegalStateException] if broken.
    void verify() {
        for (int i = 0; i < size; i++) {
            PendingQueue.check(timers[i] != null, "timer heap slot " + i + " is filled");
            PendingQueue.check(timers[i].activeIndex == i, "timer at heap slot " + i
                    + " says it is at " + timers[i].activeIndex);
            if (i > 0) {
                int parent = (i - 1) / ARITY;
                PendingQueue.check(!precedes(deadlines[i], timers[i], deadlines[parent], timers[parent]),
                        "timer heap slot " + i + " is not before its parent");
            }
        }
        for (int i = size; i < timers.length; i++) {
            PendingQueue.check(timers[i] == null, "timer heap is empty past its size");
        }
    }
}
