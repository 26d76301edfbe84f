package io.ev4j.core;

import io.ev4j.core.backend.Backend;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/// An event loop: watches file descriptors, timers and other event sources, and runs their
/// watchers' callbacks on one thread.
///
/// ```java
/// try (Loop loop = Loop.create()) {
///     new TimerWatcher(loop, (w, events) -> System.out.println("one second")).start(1_000_000_000L, 0);
///     loop.run();                       // returns when no active watcher is left
/// }
/// ```
///
/// ## One iteration
/// 1. queue and run [PrepareWatcher]s (and anything else pending);
/// 2. tell the backend the net io interest changes since the last iteration;
/// 3. poll: block until an event, the next timer, or a wake-up (not at all when something is
///    pending, an [IdleWatcher] is active, tasks are queued, or the run mode says no);
/// 4. read the clock once: that is [#nowNs()] for the whole batch;
/// 5. queue expired timers, in deadline order;
/// 6. queue idle watchers if nothing of their priority or higher is pending;
/// 7. queue check watchers ahead of the rest of their priority;
/// 8. run every pending callback, highest priority first ([#invokePending()]);
/// 9. run up to [Builder#maxTasksPerIteration] tasks given to [#execute].
///
/// ## Threads
/// A loop is used by one thread at a time: every method except [#execute] and
/// [AsyncWatcher#send()] throws [IllegalStateException] when called from another thread while
/// the loop runs. A loop that is not running is taken over by the next thread that uses it;
/// hand it over with a happens-before edge (`Thread.start`/`join`, a lock, a queue).
///
/// ## Errors
/// A callback that throws does not end [#run()]: the throwable goes to the [ErrorHandler]
/// (by default a `System.Logger` entry) and the loop goes on. Only a failure of the backend's
/// poll itself ends `run()`, with an [UncheckedIOException].
///
/// ## What does not apply
/// Fork watchers and re-arming a loop after `fork()` have no meaning in a JVM, which cannot
/// fork and go on running Java code in the child; ev4j has neither.
public final class Loop implements Executor, AutoCloseable {

    /// The lowest watcher priority.
    public static final int MIN_PRIORITY = -2;
    /// The highest watcher priority.
    public static final int MAX_PRIORITY = 2;
    static final int PRIORITY_COUNT = MAX_PRIORITY - MIN_PRIORITY + 1;
    /// Under `-ea`, [#verify()] runs after every watcher start and stop while the loop holds at
    /// most this many active watchers, and after every iteration always.
    private static final int FREQUENT_CHECK_LIMIT = 256;
    private static final System.Logger LOG = System.getLogger(Loop.class.getName());

    /// How far a run goes.
    public enum RunMode {
        /// Iterate until no active watcher is left or a break.
        DEFAULT,
        /// One iteration, which may block once for events.
        ONCE,
        /// One iteration that does not block.
        NOWAIT
    }

    /// How far [#breakLoop] reaches.
    public enum Break {
        /// Cancel a break asked for earlier, if the run has not returned yet.
        CANCEL,
        /// Return from the innermost [#run()].
        ONE,
        /// Return from every nested [#run()].
        ALL
    }

    /// Receives what callbacks throw.
    @FunctionalInterface
    public interface ErrorHandler {
        /// `watcher` is the watcher whose callback threw, or null for a task or a hook.
        void onError(Loop loop, Watcher watcher, Throwable error);
    }

    /// Runs the pending callbacks in place of [#invokePending()].
    @FunctionalInterface
    public interface PendingInvoker {
        /// Must eventually call `loop.invokePending()` (or leave the calls queued).
        void invokePending(Loop loop);
    }

    private final Backend backend;
    private final NanoClock clock;
    private final long originNs;
    private final PendingQueue pending = new PendingQueue(PRIORITY_COUNT);
    private final LoopTimers timers = new LoopTimers(this, pending);
    /// Periodic watchers by wall-clock deadline, the wall clock, and the kernel timer for them.
    final LoopPeriodics periodics;
    private final SourceTable sources;
    /// Signal watchers by signal, and the flags the process-wide signal handler sets.
    final LoopSignals signals = new LoopSignals(this, pending);
    /// Stat watchers, and the inotify fd that serves them.
    final StatRegistry stats = new StatRegistry(this);
    /// Idle, prepare, check, cleanup, async, child and embed watchers, and the two above.
    private final ListedWatchers listed = new ListedWatchers(pending, signals, stats);
    /// The embed watcher (on another loop) that runs this loop, while one is active.
    EmbedWatcher embeddedIn;
    /// Tasks from [#execute], and the wake-up flag other threads set.
    private final LoopInbox inbox;
    private final LoopPoller poller;
    private final MetricCounters counters;

    private Thread owner;
    private boolean closed;
    private long nowNs;
    private long iteration;
    private int depth;
    private Break breakState = Break.CANCEL;
    /// Watchers that keep run() going, plus ref() minus unref().
    private int activeCount;
    private int refBalance;
    private long timeoutCollectIntervalNs;
    private ErrorHandler errorHandler;
    private PendingInvoker pendingInvoker;
    private Object userData;

    private Loop(Builder b, Backend backend) {
        this.backend = backend;
        this.clock = b.clock;
        this.periodics = new LoopPeriodics(this, pending, b.wallClock);
        this.inbox = new LoopInbox(backend, b.maxTasksPerIteration);
        this.errorHandler = b.errorHandler;
        this.counters = new MetricCounters(this, clock);
        if (b.slowReport) {
            counters.report(b.slowThresholdNs, b.slowListener);
        }
        this.originNs = clock.nanoTime();
        this.sources = new SourceTable(backend.watchesFds(), pending);
        this.poller = new LoopPoller(backend, sources, counters, clock, originNs);
        this.owner = Thread.currentThread();
    }

    /// A loop on the best backend available here (see [BackendKind]), with the system clock.
    public static Loop create() {
        return builder().build();
    }

    /// A builder to choose the backend, clock and limits.
    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------- running

    /// Runs until no active watcher is left (and no task is queued) or [#breakLoop] is called.
    ///
    /// @return true if active watchers remain (the run was broken off)
    public boolean run() {
        return run(RunMode.DEFAULT);
    }

    /// One iteration that may block once for events.
    public boolean runOnce() {
        return run(RunMode.ONCE);
    }

    /// One iteration that does not block.
    public boolean runNoWait() {
        return run(RunMode.NOWAIT);
    }

    /// Runs as `mode` says; may be called from a callback (a nested run, see [#depth()]).
    ///
    /// @return true if active watchers remain
    public boolean run(RunMode mode) {
        checkOpen();
        depth++;
        breakState = Break.CANCEL;
        try {
            do {
                iterate(mode != RunMode.NOWAIT);
            } while (mode == RunMode.DEFAULT && breakState == Break.CANCEL && !closed && hasWork());
        } finally {
            depth--;
            if (breakState == Break.ONE) {
                breakState = Break.CANCEL;
            }
        }
        return activeCount > 0;
    }

    /// Asks the running [#run()] (or every nested one) to return after the current iteration.
    public void breakLoop(Break how) {
        checkThread();
        breakState = Objects.requireNonNull(how, "how");
    }

    private boolean hasWork() {
        return activeCount > 0 || inbox.hasTasks();
    }

    /// One pass, in the order listed in the class comment.
    private void iterate(boolean mayBlock) {
        if (listed.queuePrepares()) {
            invokePendingThroughInvoker();
        }
        if (breakState != Break.CANCEL || closed) {
            return;
        }
        sources.applyChanges(backend);
        pollBackend(mayBlock ? blockTimeNs() : 0);
        updateNow();
        timers.queueExpired(nowNs);
        periodics.queueExpired();
        listed.queueIdlesIfNothingPending();
        listed.queueChecksFirst();
        invokePendingThroughInvoker();
        inbox.runTasks(counters);
        assert verify();
    }

    /// How long the poll may block: not at all when there is work already, else until the
    /// next timer (but at least the timeout collect interval), or without limit.
    private long blockTimeNs() {
        if (pending.size() > 0 || listed.idleCount() > 0 || activeCount <= 0 || breakState != Break.CANCEL
                || inbox.hasTasks() || inbox.wakeupRequested()) {
            return 0;
        }
        updateNow();
        long waitNs = timers.delayNs(nowNs);
        if (!periodics.isEmpty()) {
            waitNs = periodics.limitWaitNs(waitNs);
        }
        return waitNs < 0 ? -1 : Math.max(waitNs, timeoutCollectIntervalNs);
    }

    private void pollBackend(long timeoutNs) {
        iteration++;
        poller.poll(timeoutNs);
        if (inbox.takeWakeup()) {
            listed.queueSentAsyncs();
            signals.queueRaised();
        }
    }

    void startPeriodic(PeriodicWatcher p) {
        checkUsable();
        if (p.isActive()) {
            return;
        }
        periodics.start(p, clock.nanoTime());
        watcherStarted();
    }

    void stopPeriodic(PeriodicWatcher p) {
        checkThread();
        pending.cancel(p);
        if (p.isActive()) {
            periodics.stop(p);
        }
    }

    long periodicAtNs(PeriodicWatcher p, long whenStoppedNs) {
        checkThread();
        return periodics.atNs(p, whenStoppedNs);
    }

    // ---------------------------------------------------------------- pending calls and metrics

    /// Runs every pending callback now, highest priority first, FIFO within a priority; also
    /// those queued by the callbacks it runs.
    public void invokePending() {
        checkThread();
        if (counters.timing()) {
            counters.invokePendingTimed(pending);
            return;
        }
        Watcher w;
        while ((w = pending.takeNext()) != null) {
            int events = pending.lastEvents;
            counters.callbacksRun++;
            try {
                w.invoke(events);
            } catch (Throwable t) {
                handleError(w, t);
            }
        }
    }

    /// A snapshot of what this loop has done since it was created or last reset: iterations,
    /// time blocked in the backend, events received, callbacks and tasks run, and (while a
    /// slow-callback report is on) the longest callback. See [LoopMetrics].
    public LoopMetrics metrics() {
        checkThread();
        return counters.snapshot(iteration);
    }

    /// Starts the counts of [#metrics()] again from zero. [#iteration()] is not affected.
    public void resetMetrics() {
        checkThread();
        counters.reset(iteration);
    }

    /// Times every callback and task from now on, and tells `listener` of each that ran for at
    /// least `thresholdNs`, right after it returned. A null `listener` logs a warning through
    /// `System.Logger` instead. `Long.MAX_VALUE` tracks the longest callback without
    /// reporting any. Costs two clock reads per callback while on.
    ///
    /// @throws IllegalArgumentException `thresholdNs` < 0
    public void setSlowCallbackReport(long thresholdNs, SlowCallbackListener listener) {
        checkThread();
        counters.report(thresholdNs, listener);
    }

    /// Stops timing callbacks (the default). The longest callback seen so far stays in
    /// [#metrics()] until [#resetMetrics()].
    public void clearSlowCallbackReport() {
        checkThread();
        counters.listener = null;
    }

    private void invokePendingThroughInvoker() {
        if (pendingInvoker == null) {
            invokePending();
        } else {
            pendingInvoker.invokePending(this);
        }
    }

    /// Number of callbacks queued and not yet run.
    public int pendingCount() {
        return pending.size();
    }

    /// Queues a call of `watcher`'s callback with `events` (merged into a queued call), whether
    /// or not the watcher is active.
    ///
    /// @throws IllegalArgumentException the watcher belongs to another loop
    public void feedEvent(Watcher watcher, int events) {
        checkMine(watcher);
        checkOpen();
        pending.queue(watcher, events);
    }

    /// Feeds `events` to every active io watcher on `source` that waits for them, as if the
    /// backend had reported them.
    public void feedFdEvent(IoSource source, int events) {
        checkOpen();
        SourceTable.requireKind(source, backend);
        sources.feed(source, events);
    }

    /// Cancels `watcher`'s queued call and returns its events, or 0.
    public int clearPending(Watcher watcher) {
        checkMine(watcher);
        return pending.cancel(watcher);
    }

    void handleError(Watcher w, Throwable t) {
        if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)) {
            throw (VirtualMachineError) t;
        }
        ErrorHandler handler = errorHandler;
        try {
            if (handler != null) {
                handler.onError(this, w, t);
                return;
            }
        } catch (Throwable second) {
            t.addSuppressed(second);
        }
        LOG.log(System.Logger.Level.ERROR, (w == null ? "a task" : "the callback of " + w)
                + " threw; the loop goes on", t);
    }

    // ---------------------------------------------------------------- watcher bookkeeping

    void startIo(IoWatcher w, boolean sourceIsNew) {
        checkUsable();
        if (w.isActive()) {
            return;
        }
        SourceTable.requireKind(w.source(), backend);
        sources.add(w, sourceIsNew);
        watcherStarted();
    }

    void stopIo(IoWatcher w) {
        checkThread();
        pending.cancel(w);
        if (w.isActive()) {
            sources.remove(w);
            watcherStopped();
        }
    }

    void ioInterestChanged(IoWatcher w) {
        sources.interestChanged(w);
    }

    void startTimer(TimerWatcher t, long afterNs) {
        checkUsable();
        if (t.isActive()) {
            return;
        }
        refreshNowOutsideRun();
        timers.start(t, nowNs + afterNs);
    }

    /// Outside [#run] the cached time is as old as the last iteration (or the loop's creation,
    /// or the last sweep of an embedded loop) and a delay counted from it would end early, so
    /// the clock is read; inside a run the batch's time stands, as [TimerWatcher] documents.
    /// While suspended the time stays at the suspension: [#resume()] moves the deadline on.
    private void refreshNowOutsideRun() {
        if (depth == 0 && !timers.isSuspended()) {
            updateNow();
        }
    }

    void stopTimer(TimerWatcher t) {
        checkThread();
        pending.cancel(t);
        if (t.isActive()) {
            timers.stop(t);
        }
    }

    void againTimer(TimerWatcher t) {
        checkUsable();
        pending.cancel(t);
        refreshNowOutsideRun();
        timers.again(t, nowNs);
        assert checkedAfterMutation();
    }

    long remainingNs(TimerWatcher t) {
        checkThread();
        return timers.remainingNs(t, nowNs);
    }

    /// Starts an idle, prepare, check, cleanup, async, signal, child or stat watcher.
    void startListed(Watcher w) {
        checkUsable();
        if (w.isActive()) {
            return;
        }
        if (listed.add(w)) {
            watcherStarted();               // cleanup watchers do not keep the loop running
        }
    }

    void stopListed(Watcher w) {
        checkThread();
        pending.cancel(w);
        if (!w.isActive()) {
            return;
        }
        if (listed.remove(w)) {
            watcherStopped();
        }
    }

    void watcherStarted() {
        activeCount++;
        assert checkedAfterMutation();
    }

    void watcherStopped() {
        activeCount--;
        assert checkedAfterMutation();
    }

    /// `n` watchers left their lists and heaps together.
    void watchersStopped(int n) {
        activeCount -= n;
        assert checkedAfterMutation();
    }

    private boolean checkedAfterMutation() {
        return activeCount > FREQUENT_CHECK_LIMIT || verify();
    }

    private void checkMine(Watcher w) {
        checkThread();
        if (w.loop != this) {
            throw new IllegalArgumentException(w + " belongs to another loop");
        }
    }

    // ---------------------------------------------------------------- time

    /// Loop time in ns since the loop was created, as read once per iteration:
    /// the same value for every callback of one batch, so timers started together expire
    /// together. Monotonic; not wall-clock time. Between runs it keeps the last iteration's
    /// reading (a timer started then reads the clock first, see [TimerWatcher]).
    public long nowNs() {
        return nowNs;
    }

    /// Reads the clock into [#nowNs()] now, for a callback that ran long before starting a timer.
    public void updateNow() {
        long monotonicNs = clock.nanoTime();
        nowNs = monotonicNs - originNs;
        poller.lastClockReadNs = nowNs;
        if (!periodics.isEmpty()) {
            periodics.readWallClock(monotonicNs, true);
        }
    }

    /// The wall-clock time in ns since the epoch, as read with [#nowNs()] while periodic
    /// watchers are active, or read now otherwise.
    public long wallNowNs() {
        if (periodics.isEmpty()) {
            periodics.readWallClock(clock.nanoTime(), false);
        }
        return periodics.wallNowNs();
    }

    /// Marks the start of a time in which the loop does not run (the process is stopped, say),
    /// which timers should not count. Pair with [#resume()].
    public void suspend() {
        checkUsable();
        updateNow();
        timers.suspend(nowNs);
    }

    /// Ends a [#suspend()]: every active timer's deadline moves later by the time suspended, so
    /// relative timers do not count it.
    public void resume() {
        checkUsable();
        if (!timers.isSuspended()) {
            throw new IllegalStateException("resume() without suspend()");
        }
        updateNow();
        timers.resume(nowNs);
    }

    // ---------------------------------------------------------------- counters and settings

    /// Number of polls so far.
    public long iteration() {
        return iteration;
    }

    /// How many [#run()] calls are on the stack.
    public int depth() {
        return depth;
    }

    /// Active watchers that keep [#run()] going, plus [#ref()] minus [#unref()] calls.
    public int activeCount() {
        return activeCount;
    }

    /// Counts one more reason to keep running.
    public void ref() {
        checkThread();
        activeCount++;
        refBalance++;
    }

    /// Counts one reason less; after starting a watcher that should not keep [#run()] going by
    /// itself, call this once.
    public void unref() {
        checkThread();
        activeCount--;
        refBalance--;
    }

    /// True if this loop can run inside another through an [EmbedWatcher]: its backend has a
    /// pollable fd of its own (`epoll` does; `poll` and `nio` do not).
    public boolean isEmbeddable() {
        return backend.embedFd() >= 0;
    }

    /// For an [EmbedWatcher]: hands this loop's pending io interest changes to its backend now,
    /// so that the outer loop's poll sees them.
    void applyIoChanges() {
        sources.applyChanges(backend);
    }

    /// For an [EmbedWatcher]: how long the outer loop may wait for this one's timers and
    /// periodics (ns, at least 0), or -1 without limit. As before this loop's own poll, the
    /// periodics' kernel timer is armed here, or their wait capped.
    long nextTimerDelayNs() {
        if (timers.size() == 0 && periodics.isEmpty()) {
            return -1;
        }
        updateNow();
        long delayNs = timers.delayNs(nowNs);
        return periodics.isEmpty() ? delayNs : periodics.limitWaitNs(delayNs);
    }

    /// For an [EmbedWatcher]: something would run at once in this loop's next pass.
    boolean hasImmediateWork() {
        return pending.size() > 0 || listed.idleCount() > 0 || inbox.hasTasks() || inbox.wakeupRequested();
    }

    /// The name of the backend this loop polls with: `epoll`, `nio`, `poll`, ...
    public String backendName() {
        return backend.name();
    }

    /// The backend this loop polls with.
    public Backend backend() {
        return backend;
    }

    /// True if io watchers on this loop take [IoSource.Fd], false if [IoSource.Channel].
    public boolean watchesFds() {
        return backend.watchesFds();
    }

    /// Sleeps this long before each poll that would block, so that one poll gathers the events
    /// of several connections: fewer wake-ups, more
    /// latency. 0 (the default) turns it off.
    public void setIoCollectIntervalNs(long intervalNs) {
        checkThread();
        poller.ioCollectIntervalNs = requireNonNegative(intervalNs, "io collect interval");
    }

    /// Blocks at least this long when the next timer is due sooner, so that timers close
    /// together run in one iteration. 0 turns it off.
    public void setTimeoutCollectIntervalNs(long intervalNs) {
        checkThread();
        timeoutCollectIntervalNs = requireNonNegative(intervalNs, "timeout collect interval");
    }

    private static long requireNonNegative(long ns, String what) {
        if (ns < 0) {
            throw new IllegalArgumentException(what + " must be >= 0 ns, got " + ns);
        }
        return ns;
    }

    /// Replaces the handler of what callbacks throw; null restores the default (log it).
    public void setErrorHandler(ErrorHandler handler) {
        checkThread();
        errorHandler = handler;
    }

    /// Replaces how pending callbacks are run; null restores [#invokePending()].
    public void setPendingInvoker(PendingInvoker invoker) {
        checkThread();
        pendingInvoker = invoker;
    }

    /// Runs `release` just before the loop blocks in its poll and `acquire` just after
    ///: to drop and retake a lock other threads use to touch
    /// the loop. Either may be null.
    public void setReleaseAcquireHooks(Runnable release, Runnable acquire) {
        checkThread();
        poller.releaseHook = release;
        poller.acquireHook = acquire;
    }

    /// The user's object attached to this loop, or null.
    public Object userData() {
        return userData;
    }

    /// Attaches any object of the user's to this loop.
    public void setUserData(Object data) {
        userData = data;
    }

    // ---------------------------------------------------------------- other threads

    /// Runs `task` on the loop thread during an iteration, waking the loop if it blocks. Safe
    /// from any thread. At most [Builder#maxTasksPerIteration] tasks run per iteration, so a
    /// flood of tasks cannot starve io. A queued task keeps [#run()] going until it has run.
    ///
    /// @throws RejectedExecutionException the loop is closed
    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (closed) {
            throw new RejectedExecutionException("loop is closed");
        }
        inbox.offer(task, owner);
    }

    /// Any thread: the loop should look at its async watchers and signals.
    void wakeupForAsync() {
        inbox.requestWakeup(owner);
    }

    // ---------------------------------------------------------------- once

    /// Calls `callback` once, when `source` is ready for `events` or after `timeoutNs`,
    /// whichever comes first, and forgets both. `source` may be null (a plain
    /// one-shot timer) and `timeoutNs` negative (no timeout). The callback gets [Events#READ] /
    /// [Events#WRITE], or [Events#TIMER] on timeout.
    public void once(IoSource source, int events, long timeoutNs, Watcher.Callback<Watcher> callback) {
        checkUsable();
        Once.start(this, source, events, timeoutNs, callback);
    }

    // ---------------------------------------------------------------- checks

    /// Checks every internal invariant: timer heap order and back-pointers,
    /// pending rings, io slots against their watchers, and the active count.
    ///
    /// @return true, so that it can be used as `assert loop.verify()`
    /// @throws IllegalStateException naming the first broken invariant
    public boolean verify() {
        timers.verify();
        periodics.verify();
        pending.verify();
        sources.verify();
        int expected = timers.size() + periodics.size() + sources.activeWatchers() + listed.verify() + refBalance;
        PendingQueue.check(activeCount == expected, "active count " + activeCount + " != " + expected);
        return true;
    }

    /// Loop thread only (see the class comment).
    void checkThread() {
        if (Thread.currentThread() != owner) {
            adoptOrRefuse();
        }
    }

    private void checkOpen() {
        checkThread();
        if (closed) {
            throw new IllegalStateException("loop is closed");
        }
    }

    private void checkUsable() {
        if (Thread.currentThread() != owner || closed) {
            checkOpen();
        }
    }

    private void adoptOrRefuse() {
        Thread caller = Thread.currentThread();
        if (depth == 0) {
            owner = caller;
            return;
        }
        throw new IllegalStateException("the loop is running on thread '" + owner.getName()
                + "' and was called from '" + caller.getName()
                + "'; use loop.execute(task) or an AsyncWatcher to reach it from another thread");
    }

    /// True after [#close()].
    public boolean isClosed() {
        return closed;
    }

    /// Runs the [CleanupWatcher]s, stops every watcher, drops pending calls and queued tasks,
    /// and releases the backend. Idempotent.
    ///
    /// @throws IllegalStateException called from inside [#run()]; break the loop first
    @Override
    public void close() {
        if (closed) {
            return;
        }
        checkThread();
        if (depth > 0) {
            throw new IllegalStateException("close() called from inside run(); call breakLoop(Break.ALL) "
                    + "and close the loop after run() returns");
        }
        if (embeddedIn != null) {
            throw new IllegalStateException("this loop is embedded in another by " + embeddedIn
                    + "; stop that embed watcher before closing this loop");
        }
        listed.runCleanupsAndRelease(this);     // signal handlers, pidfds, inotify, inner loops
        periodics.close();                  // forgets the periodics, closes the timerfd
        closed = true;
        pending.clear();
        timers.clear();
        sources.stopAll();
        listed.clear();
        activeCount = 0;
        refBalance = 0;
        inbox.clear();
        backend.close();
    }

    @Override
    public String toString() {
        return "Loop[" + backend.name() + ", active " + activeCount + ", pending " + pending.size()
                + ", iteration " + iteration + (closed ? ", closed]" : "]");
    }

    // ---------------------------------------------------------------- builder

    /// Chooses how a [Loop] is made.
    ///
    /// ```java
    /// Loop loop = Loop.builder().backend(BackendKind.NIO).maxTasksPerIteration(256).build();
    /// ```
    public static final class Builder {
        private BackendKind kind;
        private Backend backend;
        private NanoClock clock = NanoClock.SYSTEM;
        private WallClock wallClock = WallClock.SYSTEM;
        private int maxTasksPerIteration = 1024;
        private ErrorHandler errorHandler;
        private boolean slowReport;
        private long slowThresholdNs;
        private SlowCallbackListener slowListener;

        private Builder() {
        }

        /// Uses this backend; without it, the `ev4j.backend` property, the `EV4J_BACKEND`
        /// variable, or the best available one decide.
        public Builder backend(BackendKind kind) {
            this.kind = Objects.requireNonNull(kind, "kind");
            this.backend = null;
            return this;
        }

        /// Uses the backend named `name` (`epoll`, `nio`, `poll`).
        public Builder backend(String name) {
            return backend(BackendKind.named(name));
        }

        /// Uses a backend the caller made; the loop takes ownership and closes it.
        public Builder backend(Backend backend) {
            this.backend = Objects.requireNonNull(backend, "backend");
            this.kind = null;
            return this;
        }

        /// Uses this clock for loop time and timers (tests use a manual one).
        public Builder clock(NanoClock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /// The wall clock [PeriodicWatcher]s follow (default [WallClock#SYSTEM]).
        public Builder wallClock(WallClock clock) {
            this.wallClock = Objects.requireNonNull(clock, "wallClock");
            return this;
        }

        /// At most this many [Loop#execute] tasks per iteration (default 1024).
        public Builder maxTasksPerIteration(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxTasksPerIteration must be >= 1, got " + max);
            }
            this.maxTasksPerIteration = max;
            return this;
        }

        /// Where what callbacks throw goes (default: a `System.Logger` entry).
        public Builder errorHandler(ErrorHandler handler) {
            this.errorHandler = handler;
            return this;
        }

        /// Turns the slow-callback report on from the start: see [Loop#setSlowCallbackReport].
        /// A null `listener` logs a warning per slow callback.
        public Builder slowCallbackReport(Duration threshold, SlowCallbackListener listener) {
            this.slowThresholdNs = requireNonNegative(threshold.toNanos(), "slow-callback threshold");
            this.slowListener = listener;
            this.slowReport = true;
            return this;
        }

        /// Makes the loop; its thread is the calling thread until another one takes it over.
        ///
        /// @throws UncheckedIOException the backend could not be opened
        /// @throws IllegalArgumentException the backend asked for is not available here
        public Loop build() {
            Backend chosen = backend != null ? backend : Backends.open(kind);
            Loop loop = new Loop(this, chosen);
            loop.updateNow();
            return loop;
        }
    }
}
