package io.ev4j.core;

import io.ev4j.core.backend.Backend;

/// The event bits a watcher's callback receives.
///
/// ```java
/// new IoWatcher(loop, source, Events.READ | Events.WRITE, (w, events) -> {
///     if ((events & Events.READ) != 0) readSome();
///     if ((events & Events.WRITE) != 0) writeSome();
/// }).start();
/// ```
///
/// A callback may receive several bits at once: an io watcher both [#READ] and [#WRITE], or
/// any watcher the bits given to [Loop#feedEvent] merged with its own.
public final class Events {
    private Events() {
    }

    /// The handle is readable (or a listening socket has a connection, or hang-up / error).
    public static final int READ = Backend.READ;
    /// The handle is writable (or a connect finished, or hang-up / error).
    public static final int WRITE = Backend.WRITE;
    /// A [TimerWatcher] expired.
    public static final int TIMER = 1 << 8;
    /// A periodic watcher's wall-clock time came ([PeriodicWatcher]).
    public static final int PERIODIC = 1 << 9;
    /// A [SignalWatcher]'s signal arrived (once or more: see [SignalWatcher#count()]).
    public static final int SIGNAL = 1 << 10;
    /// A [ChildWatcher]'s process exited (see [ChildWatcher#status()]).
    public static final int CHILD = 1 << 11;
    /// A [StatWatcher]'s path changed (see [StatWatcher#attributes()]).
    public static final int STAT = 1 << 12;
    /// An embedded loop has something to do ([EmbedWatcher]).
    public static final int EMBED = 1 << 16;
    /// An [IdleWatcher] ran because nothing else was pending.
    public static final int IDLE = 1 << 13;
    /// A [PrepareWatcher] ran just before the loop blocks.
    public static final int PREPARE = 1 << 14;
    /// A [CheckWatcher] ran just after the loop woke up.
    public static final int CHECK = 1 << 15;
    /// A [CleanupWatcher] ran because its loop is closing.
    public static final int CLEANUP = 1 << 18;
    /// An [AsyncWatcher] was sent to.
    public static final int ASYNC = 1 << 19;
    /// Free for users' own meaning with [Loop#feedEvent].
    public static final int CUSTOM = 1 << 24;
    /// The watcher could not be serviced and was stopped: for an io watcher, its handle could
    /// not be registered (closed fd, a file that cannot be polled).
    public static final int ERROR = 1 << 31;

    /// A readable list of the bits in `events`, such as `READ|WRITE`.
    public static String toString(int events) {
        StringBuilder s = new StringBuilder();
        append(s, events, READ, "READ");
        append(s, events, WRITE, "WRITE");
        append(s, events, TIMER, "TIMER");
        append(s, events, SIGNAL, "SIGNAL");
        append(s, events, CHILD, "CHILD");
        append(s, events, PERIODIC, "PERIODIC");
        append(s, events, STAT, "STAT");
        append(s, events, EMBED, "EMBED");
        append(s, events, IDLE, "IDLE");
        append(s, events, PREPARE, "PREPARE");
        append(s, events, CHECK, "CHECK");
        append(s, events, CLEANUP, "CLEANUP");
        append(s, events, ASYNC, "ASYNC");
        append(s, events, CUSTOM, "CUSTOM");
        append(s, events, ERROR, "ERROR");
        return s.isEmpty() ? "NONE" : s.toString();
    }

    private static void append(StringBuilder s, int events, int bit, String name) {
        if ((events & bit) != 0) {
            if (!s.isEmpty()) {
                s.append('|');
            }
            s.append(name);
        }
    }
}
