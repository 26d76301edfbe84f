package io.ev4j.core;

/// A loop's active watchers that wait in plain lists rather than in a heap or an io slot:
/// idle (one list per priority), prepare, check, cleanup, async, child and embed watchers,
/// and signal and stat watchers through their registries ([LoopSignals], [StatRegistry]).
///
/// The loop counts what these lists hold in its active count, except cleanup watchers, which
/// do not keep it running. Loop thread only.
final class ListedWatchers {
    private final PendingQueue pending;
    private final LoopSignals signals;
    private final StatRegistry stats;
    @SuppressWarnings("unchecked")
    private final WatcherList<IdleWatcher>[] idles = new WatcherList[Loop.PRIORITY_COUNT];
    private final WatcherList<PrepareWatcher> prepares = new WatcherList<>();
    private final WatcherList<CheckWatcher> checks = new WatcherList<>();
    private final WatcherList<CleanupWatcher> cleanups = new WatcherList<>();
    private final WatcherList<AsyncWatcher> asyncs = new WatcherList<>();
    private final WatcherList<ChildWatcher> children = new WatcherList<>();
    private final WatcherList<EmbedWatcher> embeds = new WatcherList<>();
    private int idleCount;

    ListedWatchers(PendingQueue pending, LoopSignals signals, StatRegistry stats) {
        this.pending = pending;
        this.signals = signals;
        this.stats = stats;
        for (int p = 0; p < Loop.PRIORITY_COUNT; p++) {
            idles[p] = new WatcherList<>();
        }
    }

    /// Lists a watcher that is not active; false if it does not count as keeping the loop
    /// running (a cleanup watcher).
    ///
    /// @throws IllegalArgumentException not a kind of watcher kept in a list
    boolean add(Watcher w) {
        switch (w) {
            case IdleWatcher i -> {
                idles[i.priorityIndex()].add(i);
                idleCount++;
            }
            case PrepareWatcher p -> prepares.add(p);
            case CheckWatcher c -> checks.add(c);
            case CleanupWatcher c -> {
                cleanups.add(c);
                return false;
            }
            case AsyncWatcher a -> {
                a.clearSend();
                asyncs.add(a);
            }
            case SignalWatcher s -> signals.add(s);
            case ChildWatcher c -> children.add(c);
            case StatWatcher s -> stats.add(s);
            case EmbedWatcher e -> embeds.add(e);
            default -> throw new IllegalArgumentException("not a listed watcher: " + w);
        }
        return true;
    }

    /// Takes an active watcher off its list; false if it was not counted (a cleanup watcher).
    boolean remove(Watcher w) {
        switch (w) {
            case IdleWatcher i -> {
                idles[i.priorityIndex()].remove(i);
                idleCount--;
            }
            case PrepareWatcher p -> prepares.remove(p);
            case CheckWatcher c -> checks.remove(c);
            case CleanupWatcher c -> {
                cleanups.remove(c);
                return false;
            }
            case AsyncWatcher a -> asyncs.remove(a);
            case SignalWatcher s -> signals.remove(s);
            case ChildWatcher c -> children.remove(c);
            case StatWatcher s -> stats.remove(s);
            case EmbedWatcher e -> embeds.remove(e);
            default -> throw new IllegalArgumentException("not a listed watcher: " + w);
        }
        return true;
    }

    int idleCount() {
        return idleCount;
    }

    // ---------------------------------------------------------------- queueing, in loop order

    /// Queues every prepare watcher; false if there is none.
    boolean queuePrepares() {
        if (prepares.size() == 0) {
            return false;
        }
        queueAll(prepares, Events.PREPARE);
        return true;
    }

    /// Queues the idle watchers of the highest priority that has any, if nothing of that
    /// priority or higher is pending.
    void queueIdlesIfNothingPending() {
        if (idleCount == 0) {
            return;
        }
        for (int p = Loop.PRIORITY_COUNT - 1; p >= 0; p--) {
            if (pending.size(p) > 0) {
                return;
            }
            if (idles[p].size() > 0) {
                queueAll(idles[p], Events.IDLE);
                return;
            }
        }
    }

    /// Queues the check watchers ahead of everything else of their priority.
    void queueChecksFirst() {
        for (int i = checks.size() - 1; i >= 0; i--) {
            pending.queueFirst(checks.get(i), Events.CHECK);
        }
    }

    /// Queues the async watchers whose `send()` arrived.
    void queueSentAsyncs() {
        for (int i = 0; i < asyncs.size(); i++) {
            AsyncWatcher a = asyncs.get(i);
            if (a.takeSend()) {
                pending.queue(a, Events.ASYNC);
            }
        }
    }

    private void queueAll(WatcherList<? extends Watcher> list, int events) {
        for (int i = 0; i < list.size(); i++) {
            pending.queue(list.get(i), events);
        }
    }

    // ---------------------------------------------------------------- closing and checks

    /// The loop is closing: runs each cleanup watcher once (last started first), then stops
    /// the watchers that hold resources outside the loop: signal handlers, process
    /// descriptors, the inotify fd, inner loops.
    void runCleanupsAndRelease(Loop loop) {
        while (cleanups.size() > 0) {
            CleanupWatcher c = cleanups.get(cleanups.size() - 1);
            cleanups.remove(c);
            pending.cancel(c);
            try {
                c.invoke(Events.CLEANUP);
            } catch (Throwable t) {
                loop.handleError(c, t);
            }
        }
        signals.stopAll();                  // restores signal handlers where this loop was last
        while (children.size() > 0) {
            children.get(children.size() - 1).stop();      // closes process descriptors
        }
        stats.stopAll();                    // closes the inotify fd
        while (embeds.size() > 0) {
            embeds.get(embeds.size() - 1).stop();          // lets the inner loop go
        }
    }

    /// Forgets the rest (the loop is closed; its counts are reset apart).
    void clear() {
        for (WatcherList<? extends Watcher> list : new WatcherList<?>[] {prepares, checks, asyncs}) {
            while (list.size() > 0) {
                removeLast(list);
            }
        }
        for (WatcherList<IdleWatcher> list : idles) {
            while (list.size() > 0) {
                removeLast(list);
            }
        }
        idleCount = 0;
    }

    private static <W extends Watcher> void removeLast(WatcherList<W> list) {
        list.remove(list.get(list.size() - 1));
    }

    /// Checks every list; returns how many watchers they hold that count as active.
    int verify() {
        int listed = 0;
        for (int p = 0; p < Loop.PRIORITY_COUNT; p++) {
            idles[p].verify("idle");
            listed += idles[p].size();
        }
        PendingQueue.check(listed == idleCount, "idle count " + idleCount + " != " + listed);
        prepares.verify("prepare");
        checks.verify("check");
        cleanups.verify("cleanup");
        asyncs.verify("async");
        listed += prepares.size() + checks.size() + asyncs.size();
        signals.verify();
        children.verify("child");
        stats.verify();
        embeds.verify("embed");
        return listed + signals.size() + children.size() + stats.size() + embeds.size();
    }
}
