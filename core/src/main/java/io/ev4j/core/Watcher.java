package io.ev4j.core;

import java.util.Objects;

/// Something a [Loop] calls back when an event happens.
///
/// ```java
/// TimerWatcher timer = new TimerWatcher(loop, (w, events) -> System.out.println("tick"));
/// timer.start(Duration.ofSeconds(1), Duration.ofSeconds(1));
/// loop.run();
/// ```
///
/// ## States
///
/// | state   | entered by                                          | you may                                   |
/// |---------|-----------------------------------------------------|-------------------------------------------|
/// | stopped | construction, `stop()`, a one-shot timer firing     | reconfigure it, change its priority, drop it |
/// | active  | `start()`                                           | `stop()`, read it, `feed()` it            |
/// | pending | the loop saw its event; the callback has not run yet | `stop()` (also cancels the call), `clearPending()` |
///
/// Active and pending are independent: a stopped watcher can be pending (after
/// [Loop#feedEvent] or a one-shot timer firing), and an active io watcher usually is pending
/// between the poll that saw its event and its callback.
///
/// ## Rules
/// - A watcher belongs to the loop it was made with, for life.
/// - `start()` on an active watcher and `stop()` on a stopped one do nothing.
/// - Changing what a watcher watches ([IoWatcher#set], [TimerWatcher#set]) or its priority
///   needs it stopped (and, for the priority, not pending); otherwise [IllegalStateException].
/// - Every method is for the loop's thread only ([AsyncWatcher#send()] excepted).
/// - A callback that throws does not stop the loop: the throwable goes to the loop's
///   [Loop.ErrorHandler] and the loop goes on.
///
/// Priorities run from [Loop#MIN_PRIORITY] (-2) to [Loop#MAX_PRIORITY] (2), default 0. Among
/// pending callbacks, a higher priority always runs first; within one priority, callbacks run
/// in the order their events were queued. [IdleWatcher]s of a priority run only when nothing of
/// that or a higher priority is pending.
public abstract sealed class Watcher
        permits IoWatcher, TimedWatcher, IdleWatcher, PrepareWatcher, CheckWatcher, CleanupWatcher,
                AsyncWatcher, SignalWatcher, ChildWatcher, StatWatcher, EmbedWatcher {

    static final int INACTIVE = -1;
    static final int NOT_PENDING = -1;

    /// The loop this watcher belongs to.
    final Loop loop;
    /// Position in the structure that holds this watcher while active (heap slot, list slot,
    /// place among an fd's watchers), or [#INACTIVE].
    int activeIndex = INACTIVE;
    /// Position in the [PendingQueue] ring of this watcher's priority, or [#NOT_PENDING].
    int pendingSlot = NOT_PENDING;
    private int priority;
    private Object data;

    Watcher(Loop loop) {
        this.loop = Objects.requireNonNull(loop, "loop");
    }

    /// The callback type of a watcher of type `W`: `(watcher, events) -> ...`, where `events`
    /// holds [Events] bits.
    @FunctionalInterface
    public interface Callback<W extends Watcher> {
        /// Runs on the loop thread.
        void onEvent(W watcher, int events);
    }

    /// Begins watching. Does nothing if already active.
    public abstract void start();

    /// Stops watching and cancels a pending call. Does nothing if already stopped and not pending.
    public abstract void stop();

    /// Calls the user's callback. Loop internal.
    abstract void invoke(int events);

    /// A short name of the watcher kind, for messages: `io`, `timer`, ...
    abstract String kind();

    /// The loop this watcher belongs to.
    public final Loop loop() {
        return loop;
    }

    /// True between `start()` and `stop()` (or a one-shot firing).
    public final boolean isActive() {
        return activeIndex != INACTIVE;
    }

    /// True when the loop has queued a call of this watcher's callback that has not run yet.
    public final boolean isPending() {
        return pendingSlot != NOT_PENDING;
    }

    /// This watcher's priority, from [Loop#MIN_PRIORITY] to [Loop#MAX_PRIORITY].
    public final int priority() {
        return priority;
    }

    /// Sets the priority. The watcher must be stopped and not pending.
    ///
    /// @throws IllegalArgumentException out of range
    /// @throws IllegalStateException    active or pending
    public final void setPriority(int priority) {
        loop.checkThread();
        if (priority < Loop.MIN_PRIORITY || priority > Loop.MAX_PRIORITY) {
            throw new IllegalArgumentException("priority must be in [" + Loop.MIN_PRIORITY + ", "
                    + Loop.MAX_PRIORITY + "], got " + priority);
        }
        if (isActive() || isPending()) {
            throw new IllegalStateException("cannot change the priority of a " + kind()
                    + " watcher while it is " + (isActive() ? "active" : "pending") + "; stop() it first");
        }
        this.priority = priority;
    }

    /// The user's object attached to this watcher, or null.
    public final Object data() {
        return data;
    }

    /// Attaches any object of the user's to this watcher.
    public final void setData(Object data) {
        this.data = data;
    }

    /// Queues a call of this watcher's callback with `events`, as if the event had happened
    ///. Works on stopped watchers too.
    public final void feed(int events) {
        loop.feedEvent(this, events);
    }

    /// Cancels a pending call and returns its events, or 0 if none was pending.
    public final int clearPending() {
        return loop.clearPending(this);
    }

    /// Index in the loop's pending rings: priority shifted to start at 0.
    final int priorityIndex() {
        return priority - Loop.MIN_PRIORITY;
    }

    @Override
    public String toString() {
        return kind() + " watcher (priority " + priority + (isActive() ? ", active" : ", stopped")
                + (isPending() ? ", pending)" : ")");
    }
}
