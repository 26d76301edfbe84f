package io.ev4j.core;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/// Random operation sequences on the timer heap and the pending queue, checked step by step
/// against plain, obviously correct models.
@Timeout(30)
class DataStructureModelTest {
    private final ManualClock clock = new ManualClock();
    private final Loop loop = Loop.builder().backend(new FakeBackend(clock)).clock(clock).build();

    @AfterEach
    void close() {
        loop.close();
    }

    private record Scheduled(TimerWatcher timer, long deadlineNs, long order) {
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void timerHeapPopsInTheOrderOfASortedList(long seed) {
        Random random = new Random(seed);
        TimerHeap<TimerWatcher> heap = new TimerHeap<>();
        List<Scheduled> model = new ArrayList<>();
        List<TimerWatcher> pool = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            pool.add(new TimerWatcher(loop, (w, e) -> { }));
        }
        long order = 0;
        Comparator<Scheduled> byDeadlineThenOrder =
                Comparator.comparingLong(Scheduled::deadlineNs).thenComparingLong(Scheduled::order);
        for (int step = 0; step < 5_000; step++) {
            int op = random.nextInt(10);
            TimerWatcher t = pool.get(random.nextInt(pool.size()));
            long deadline = random.nextInt(50);                          // many ties on purpose
            if (op < 4 && !t.isActive()) {
                heap.add(t, deadline);
                model.add(new Scheduled(t, deadline, order++));
            } else if (op < 6 && t.isActive()) {
                heap.remove(t);
                model.removeIf(s -> s.timer == t);
            } else if (op < 8 && t.isActive()) {
                heap.reschedule(t, deadline);
                model.removeIf(s -> s.timer == t);
                model.add(new Scheduled(t, deadline, order++));
            } else if (!model.isEmpty()) {
                model.sort(byDeadlineThenOrder);
                Scheduled first = model.removeFirst();
                assertSame(first.timer, heap.first(), "step " + step);
                assertEquals(first.deadlineNs, heap.firstDeadlineNs());
                heap.remove(heap.first());
            }
            heap.verify();
            assertEquals(model.size(), heap.size());
        }
        while (!heap.isEmpty()) {
            heap.remove(heap.first());
        }
    }

    private record Call(Watcher watcher, int events) {
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14, 15, 16, 17, 18})
    void pendingQueueRunsLikeOneFifoPerPriority(long seed) {
        Random random = new Random(seed);
        PendingQueue queue = new PendingQueue(Loop.PRIORITY_COUNT);
        List<ArrayDeque<Call>> model = new ArrayList<>();
        for (int p = 0; p < Loop.PRIORITY_COUNT; p++) {
            model.add(new ArrayDeque<>());
        }
        List<IdleWatcher> pool = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            IdleWatcher w = new IdleWatcher(loop, (x, e) -> { });
            w.setPriority(random.nextInt(5) - 2);
            pool.add(w);
        }
        for (int step = 0; step < 20_000; step++) {
            int op = random.nextInt(10);
            IdleWatcher w = pool.get(random.nextInt(pool.size()));
            ArrayDeque<Call> ring = model.get(w.priorityIndex());
            int bit = 1 << random.nextInt(4);
            if (op < 4) {
                Call merged = find(ring, w);
                if (merged != null) {
                    replace(ring, merged, new Call(w, merged.events | bit));
                } else {
                    ring.addLast(new Call(w, bit));
                }
                queue.queue(w, bit);
            } else if (op < 5) {
                Call merged = find(ring, w);
                if (merged != null) {
                    replace(ring, merged, new Call(w, merged.events | bit));
                } else {
                    ring.addFirst(new Call(w, bit));
                }
                queue.queueFirst(w, bit);
            } else if (op < 7) {
                Call c = find(ring, w);
                assertEquals(c == null ? 0 : c.events, queue.cancel(w));
                ring.remove(c);
            } else {
                Call expected = null;
                for (int p = Loop.PRIORITY_COUNT - 1; p >= 0 && expected == null; p--) {
                    expected = model.get(p).pollFirst();
                }
                Watcher got = queue.takeNext();
                if (expected == null) {
                    assertNull(got);
                } else {
                    assertSame(expected.watcher, got, "step " + step);
                    assertEquals(expected.events, queue.lastEvents);
                }
            }
            queue.verify();
        }
        queue.clear();
        assertEquals(0, queue.size());
    }

    private static Call find(ArrayDeque<Call> ring, Watcher w) {
        for (Call c : ring) {
            if (c.watcher == w) {
                return c;
            }
        }
        return null;
    }

    private static void replace(ArrayDeque<Call> ring, Call old, Call now) {
        List<Call> all = new ArrayList<>(ring);
        all.set(all.indexOf(old), now);
        ring.clear();
        ring.addAll(all);
    }
}
