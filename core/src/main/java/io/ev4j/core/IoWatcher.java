package io.ev4j.core;

import java.util.Objects;

/// Calls back when a file descriptor or channel is ready for reading or writing.
///
/// ```java
/// var watcher = new IoWatcher(loop, socket.source(), Events.READ, (w, events) -> {
///     int n = socket.read(buffer);      // 0: nothing after all, try later
/// });
/// watcher.start();
/// loop.run();
/// ```
///
/// ## Guarantees
/// - **Level-triggered**: while the handle stays ready and the watcher is active, the callback
///   runs again on every loop iteration, so reading only part of what is there loses nothing.
/// - **Readiness is a hint**: a read may still find nothing (return 0). Treat that as "later".
/// - **Several watchers on one handle** are fine; each gets the events it asked for.
/// - **Cheap changes**: [#start()], [#stop()] and [#setEvents] only record the change; the
///   loop tells the kernel the net change once per iteration, just before it polls.
/// - A hang-up or socket error shows as [Events#READ] and/or [Events#WRITE] (those asked for):
///   the next read or write reports it.
/// - If the handle cannot be watched at all (a closed fd, a regular file), the watcher is
///   stopped and its callback gets [Events#ERROR] with its events.
///
/// ## Caveats
/// - The source must be of the kind the loop's backend watches ([Loop#watchesFds()]); ev4j's
///   sockets always are.
/// - Stop the watcher before closing its fd. An fd closed while watched is forgotten by the
///   kernel; a new fd with the same number is picked up correctly only by a watcher that is
///   (re)started after [#set] or construction.
public final class IoWatcher extends Watcher {
    private final Callback<? super IoWatcher> callback;
    private IoSource source;
    private int events;
    /// Set by construction and [#set]: the next start must re-register the handle.
    private boolean sourceIsNew = true;
    /// The slot of the loop's source table while active.
    SourceTable.Slot slot;

    /// An io watcher on `source` for `events` ([Events#READ], [Events#WRITE] or both), stopped.
    public IoWatcher(Loop loop, IoSource source, int events, Callback<? super IoWatcher> callback) {
        super(loop);
        this.callback = Objects.requireNonNull(callback, "callback");
        this.source = Objects.requireNonNull(source, "source");
        this.events = checkEvents(events);
    }

    private static int checkEvents(int events) {
        if (events == 0 || (events & ~(Events.READ | Events.WRITE)) != 0) {
            throw new IllegalArgumentException("io watcher events must be READ, WRITE or both, got "
                    + Events.toString(events));
        }
        return events;
    }

    /// Changes the source and events of a stopped watcher.
    ///
    /// @throws IllegalStateException the watcher is active
    public void set(IoSource source, int events) {
        loop.checkThread();
        if (isActive()) {
            throw new IllegalStateException("cannot set the source of an active io watcher; stop() it first");
        }
        this.source = Objects.requireNonNull(source, "source");
        this.events = checkEvents(events);
        this.sourceIsNew = true;
    }

    /// Changes the events this watcher waits for; allowed while active (the loop applies the
    /// change before its next poll).
    public void setEvents(int events) {
        loop.checkThread();
        int checked = checkEvents(events);
        if (checked != this.events) {
            this.events = checked;
            if (isActive()) {
                loop.ioInterestChanged(this);
            }
        }
    }

    /// What this watcher watches.
    public IoSource source() {
        return source;
    }

    /// The events this watcher waits for.
    public int events() {
        return events;
    }

    @Override
    public void start() {
        loop.startIo(this, sourceIsNew);
        sourceIsNew = false;
    }

    @Override
    public void stop() {
        loop.stopIo(this);
    }

    @Override
    void invoke(int events) {
        callback.onEvent(this, events);
    }

    @Override
    String kind() {
        return "io";
    }
}
