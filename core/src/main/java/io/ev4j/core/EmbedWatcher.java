package io.ev4j.core;

import java.util.Objects;

/// Runs one loop inside another: the inner loop's backend fd sits in the
/// outer loop's poll set, so one thread blocking in the outer loop also waits for the inner.
///
/// ```java
/// Loop outer = Loop.builder().backend(BackendKind.POLL).build();
/// Loop inner = Loop.builder().backend(BackendKind.EPOLL).build();     // many sockets here
/// new EmbedWatcher(outer, inner, null).start();     // null: sweep the inner loop when it has work
/// outer.run();
/// ```
///
/// ## Guarantees
/// - The callback gets [Events#EMBED] when the inner loop has io ready, a timer due, or
///   anything pending, idle or queued. With a null callback the watcher sweeps: it runs the
///   inner loop once without blocking ([#sweep()]). A callback of the user's must sweep (or stop
///   the watcher) itself: otherwise the inner loop stays ready and the outer one never blocks.
/// - The inner loop's timers and periodics are honoured: before the outer loop blocks, the
///   watcher applies the inner loop's io changes and arms an outer timer for the inner loop's
///   first deadline (for periodics on a native inner loop, the inner loop's own kernel timer
///   is armed instead and wakes the outer loop through the inner loop's fd). An inner timer
///   started from an outer callback counts from that call, not from the inner loop's last
///   sweep (see [TimerWatcher]).
/// - While embedded, the inner loop cannot be closed ([Loop#close()] says to stop this first),
///   nor embedded a second time.
///
/// ## Caveats
/// - Both loops must be used from the same thread.
/// - Only a loop whose backend has a pollable fd of its own can be embedded
///   ([Loop#isEmbeddable()]: `epoll` yes, `poll` and `nio` no), and only in a loop that watches
///   fds (`epoll` or `poll`). The constructor refuses anything else and says why.
/// - The inner loop's own prepare and check watchers run when it is swept, not around the
///   outer loop's poll.
public final class EmbedWatcher extends Watcher {
    private static final long TIMER_REARM_NS = 3_600_000_000_000L;
    private final Loop inner;
    private final Callback<? super EmbedWatcher> callback;
    private final IoWatcher innerReady;
    private final PrepareWatcher beforeOuterPoll;
    private final TimerWatcher innerTimerDue;

    /// An embed watcher on `outer` for `inner`; `callback` null means [#sweep()].
    ///
    /// @throws IllegalArgumentException `inner` is `outer`, cannot be embedded, or `outer` does
    ///         not watch fds
    /// @throws IllegalStateException    `inner` is closed
    public EmbedWatcher(Loop outer, Loop inner, Callback<? super EmbedWatcher> callback) {
        super(outer);
        this.inner = Objects.requireNonNull(inner, "inner");
        if (inner == outer) {
            throw new IllegalArgumentException("a loop cannot be embedded in itself");
        }
        if (inner.isClosed()) {
            throw new IllegalStateException("the inner loop is closed");
        }
        if (!inner.isEmbeddable()) {
            throw new IllegalArgumentException("a loop on the " + inner.backendName() + " backend cannot be "
                    + "embedded: it has no pollable fd of its own (epoll has)");
        }
        if (!outer.watchesFds()) {
            throw new IllegalArgumentException("a loop on the " + outer.backendName() + " backend cannot embed "
                    + "another: it watches channels, not the fd of the inner loop's " + inner.backendName()
                    + " backend (embed in an epoll or poll loop)");
        }
        this.callback = callback;
        this.innerReady = new IoWatcher(outer, IoSource.fd(inner.backend().embedFd()), Events.READ,
                (w, events) -> outer.feedEvent(this, Events.EMBED));
        this.beforeOuterPoll = new PrepareWatcher(outer, (w, events) -> beforeOuterPoll());
        this.innerTimerDue = new TimerWatcher(outer, (w, events) -> outer.feedEvent(this, Events.EMBED));
    }

    /// The loop this watcher runs.
    public Loop inner() {
        return inner;
    }

    /// Runs the inner loop once now, without blocking.
    public void sweep() {
        loop.checkThread();
        inner.runNoWait();
    }

    /// Begins watching the inner loop.
    ///
    /// @throws IllegalStateException the inner loop is embedded elsewhere already, or closed
    @Override
    public void start() {
        if (isActive()) {
            return;
        }
        if (inner.embeddedIn != null) {
            throw new IllegalStateException("the inner loop is embedded already, by " + inner.embeddedIn);
        }
        if (inner.isClosed()) {
            throw new IllegalStateException("the inner loop is closed");
        }
        loop.startListed(this);
        inner.embeddedIn = this;
        innerReady.setPriority(priority());
        startInternal(innerReady);
        startInternal(beforeOuterPoll);
    }

    @Override
    public void stop() {
        boolean wasActive = isActive();
        loop.stopListed(this);
        if (wasActive) {
            stopInternal(innerReady);
            stopInternal(beforeOuterPoll);
            stopInternal(innerTimerDue);
            inner.embeddedIn = null;
        }
    }

    private void beforeOuterPoll() {
        inner.applyIoChanges();
        if (inner.hasImmediateWork()) {
            loop.feedEvent(this, Events.EMBED);
        }
        stopInternal(innerTimerDue);
        long delayNs = inner.nextTimerDelayNs();
        if (delayNs >= 0) {
            // Repeating, so that firing never stops it behind the back of the unref above;
            // the next pass before a poll sets it again anyway.
            innerTimerDue.start(delayNs, TIMER_REARM_NS);
            loop.unref();
        }
    }

    private void startInternal(Watcher w) {
        w.start();
        loop.unref();                               // only the embed watcher itself counts
    }

    private void stopInternal(Watcher w) {
        if (w.isActive()) {
            w.stop();
            loop.ref();
        }
    }

    @Override
    void invoke(int events) {
        if (callback == null) {
            sweep();
        } else {
            callback.onEvent(this, events);
        }
    }

    @Override
    String kind() {
        return "embed";
    }
}
