package io.ev4j.core;

import io.ev4j.core.backend.Backend;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/// What other threads hand a loop: the tasks of [Loop#execute], and the flag that asks the
/// loop to look at them, its async watchers and its signals.
///
/// The flag costs at most one backend wake-up per setting, and none when the caller is the
/// loop thread, which looks at the flag before it blocks. [#offer] and [#requestWakeup] are
/// safe from any thread; the rest is for the loop thread.
final class LoopInbox {
    private final Backend backend;
    private final int maxTasksPerIteration;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupRequested = new AtomicBoolean();

    LoopInbox(Backend backend, int maxTasksPerIteration) {
        this.backend = backend;
        this.maxTasksPerIteration = maxTasksPerIteration;
    }

    /// Any thread: queues `task` and wakes the loop (unless `loopThread` is the caller).
    void offer(Runnable task, Thread loopThread) {
        tasks.offer(task);
        requestWakeup(loopThread);
    }

    /// Any thread: at most one backend wake-up per poll.
    void requestWakeup(Thread loopThread) {
        if (!wakeupRequested.getAndSet(true) && Thread.currentThread() != loopThread) {
            backend.wakeup();
        }
    }

    boolean hasTasks() {
        return !tasks.isEmpty();
    }

    /// True if a wake-up was asked for and not yet taken.
    boolean wakeupRequested() {
        return wakeupRequested.get();
    }

    /// Takes the wake-up request after a poll: true if there was one.
    boolean takeWakeup() {
        return wakeupRequested.get() && wakeupRequested.getAndSet(false);
    }

    /// Runs up to the per-iteration limit of queued tasks.
    void runTasks(MetricCounters counters) {
        for (int i = 0; i < maxTasksPerIteration; i++) {
            Runnable task = tasks.poll();
            if (task == null) {
                return;
            }
            counters.runTask(task);
        }
    }

    /// Drops every queued task (the loop is closing).
    void clear() {
        tasks.clear();
    }
}
