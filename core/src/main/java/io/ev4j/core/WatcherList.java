package io.ev4j.core;

import java.util.Arrays;

/// An unordered set of active watchers of one kind (idle, prepare, check, cleanup, async):
/// O(1) add, and O(1) remove by moving the last one into the hole. Each watcher records its
/// position in [Watcher#activeIndex].
final class WatcherList<W extends Watcher> {
    private Watcher[] items = new Watcher[8];
    private int size;

    int size() {
        return size;
    }

    @SuppressWarnings("unchecked")
    W get(int i) {
        return (W) items[i];
    }

    void add(W w) {
        if (size == items.length) {
            items = Arrays.copyOf(items, size * 2);
        }
        items[size] = w;
        w.activeIndex = size++;
    }

    void remove(W w) {
        int i = w.activeIndex;
        Watcher last = items[--size];
        items[i] = last;
        last.activeIndex = i;
        items[size] = null;
        w.activeIndex = Watcher.INACTIVE;
    }

    void verify(String kind) {
        for (int i = 0; i < size; i++) {
            PendingQueue.check(items[i].activeIndex == i, kind + " watcher at " + i + " says it is at "
                    + items[i].activeIndex);
        }
    }
}
