package io.ev4j.core;

import java.util.Objects;

/// Calls back on the loop thread when the process receives a signal.
///
/// ```java
/// var interrupt = new SignalWatcher(loop, "INT", (w, events) -> {
///     System.out.println("interrupted " + w.count() + " time(s)");
///     loop.breakLoop(Loop.Break.ALL);
/// });
/// interrupt.start();
/// ```
///
/// ## Guarantees
/// - The callback runs on the loop thread, never in the signal's context; the delivery itself
///   only counts and wakes the loop (the wake-up path of [AsyncWatcher#send()]), allocating
///   nothing.
/// - **Several loops** may watch the same signal at once, and several watchers on one loop:
///   every active watcher of the signal, on every loop, gets a callback for each delivery.
/// - **Coalescing**: deliveries that arrive before the loop gets round to them give one
///   callback; [#count()] says how many it stands for.
/// - While any watcher of a signal is active anywhere in the process, the signal's previous
///   Java handler does not run (for `SIGINT`, `SIGTERM` and `SIGHUP` that is the JVM's own:
///   the process no longer exits on them). When the last one stops, on whichever loop, the
///   previous handler or disposition is restored. [Loop#close()] stops a loop's watchers.
/// - An active signal watcher keeps [Loop#run()] going, like any other.
///
/// ## Which signals
/// By name (`"INT"` or `"SIGINT"`) or number, any signal the JVM has a name for, except those
/// it cannot hand out. These are refused with an [IllegalArgumentException] that names the
/// signal and the reason: `SIGKILL` and `SIGSTOP` (no process can catch them), `SIGSEGV`,
/// `SIGBUS`, `SIGFPE`, `SIGILL` and `SIGQUIT` (the JVM uses them), `SIGUSR2`, `SIGPIPE` and
/// `SIGXFSZ` (the JVM's own native handlers are installed on them), whatever else the JVM
/// refuses at [#start()], and `SIGINT`/`SIGTERM`/`SIGHUP` when the process was started with
/// them ignored (`nohup`, a background job), since the JVM then keeps them ignored.
///
/// ## Caveats
/// - Signals are process-wide and standard signals do not queue: two sent close together may
///   arrive as one. Count on "at least one callback after a signal", not on exact counts.
/// - The JVM runs each delivery on a new thread of its own, so a flood of signals costs
///   threads there, not in the loop.
/// - Built on `sun.misc.Signal` (module `jdk.unsupported`): no native handler is installed,
///   because an upcall into Java from a signal handler is not async-signal-safe.
public final class SignalWatcher extends Watcher {
    private final Callback<? super SignalWatcher> callback;
    private int signal;
    /// Loop thread: deliveries queued for the next callback.
    int deliveries;
    private int count;

    /// A stopped watcher of the signal named `name` (`"INT"`, `"SIGINT"`, any case).
    ///
    /// @throws IllegalArgumentException no such signal, or one that cannot be watched
    public SignalWatcher(Loop loop, String name, Callback<? super SignalWatcher> callback) {
        this(loop, SignalRegistry.number(Objects.requireNonNull(name, "name")), callback);
    }

    /// A stopped watcher of signal number `signal` (2 for `SIGINT`).
    ///
    /// @throws IllegalArgumentException no such signal, or one that cannot be watched
    public SignalWatcher(Loop loop, int signal, Callback<? super SignalWatcher> callback) {
        super(loop);
        this.callback = Objects.requireNonNull(callback, "callback");
        this.signal = SignalRegistry.checkWatchable(signal);
    }

    /// Changes the signal of a stopped watcher.
    ///
    /// @throws IllegalStateException the watcher is active
    /// @throws IllegalArgumentException as the constructor
    public void set(String name) {
        set(SignalRegistry.number(Objects.requireNonNull(name, "name")));
    }

    /// Changes the signal of a stopped watcher, by number.
    ///
    /// @throws IllegalStateException the watcher is active
    /// @throws IllegalArgumentException as the constructor
    public void set(int signal) {
        loop.checkThread();
        if (isActive()) {
            throw new IllegalStateException("cannot change the signal of an active signal watcher; stop() it first");
        }
        this.signal = SignalRegistry.checkWatchable(signal);
    }

    /// The signal's number (2 for `SIGINT`).
    public int signal() {
        return signal;
    }

    /// The signal's name, such as `SIGINT`.
    public String signalName() {
        return SignalRegistry.nameOrNull(signal);
    }

    /// In a callback: how many deliveries this call stands for (at least 1 for a real
    /// delivery; 0 when the call came from [#feed]). Afterwards, the last call's count.
    public int count() {
        return count;
    }

    /// Starts it: from now on the signal no longer reaches its previous handler.
    ///
    /// @throws IllegalArgumentException the JVM refuses to hand the signal out
    @Override
    public void start() {
        loop.startListed(this);
    }

    @Override
    public void stop() {
        loop.stopListed(this);
    }

    @Override
    void invoke(int events) {
        count = deliveries;
        deliveries = 0;
        callback.onEvent(this, events);
    }

    @Override
    String kind() {
        return "signal";
    }
}
