package io.ev4j.core;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/// Calls back on the loop thread when the attributes of a path change: created, written,
/// truncated, chmod-ed, deleted, replaced by a rename. The path need not
/// exist, and may be a directory (whose modification time changes with its entries).
///
/// ```java
/// var w = new StatWatcher(loop, (x, events) -> {
///     PathStat was = x.previousAttributes(), now = x.attributes();
///     if (!now.exists()) System.out.println("deleted");
///     else if (!was.exists()) System.out.println("created, " + now.sizeBytes() + " bytes");
///     else System.out.println("size " + was.sizeBytes() + " -> " + now.sizeBytes());
/// });
/// w.start(Path.of("/var/log/app.log"), Duration.ZERO);      // ZERO: the default interval
/// loop.run();
/// ```
///
/// ## Guarantees
/// - The callback runs, with [Events#STAT], only when something in [PathStat] differs from
///   what was seen last ([#attributes()] then holds the new values, [#previousAttributes()]
///   the ones they replace); never for an event that changed nothing visible.
/// - A path that does not exist (or cannot be read) is a [PathStat#MISSING] stat, so its
///   creation and deletion are changes like any other. [#start()] reads the path once
///   without a callback: what was there before does not count as a change.
/// - An active stat watcher keeps [Loop#run()] going, and counts as one in
///   [Loop#activeCount()]; the timer and io watcher it uses inside do not count.
///   [#stop()] and [Loop#close()] release every fd it holds.
///
/// ## Two routes
/// - **Kernel notice** (a loop on the `epoll` backend on Linux): the path and its parent
///   directory are watched through one inotify fd per loop, which sits in the loop's poll
///   set; a change is seen within the iteration it happens in, and then confirmed by reading
///   the attributes again. The watches follow the path: after a delete, a create or a rename
///   onto the path they are set again on whatever is there now. A lost-events notice
///   (queue overflow) re-reads every watched path. Polling goes on as a safety net: every
///   [#SAFETY_NET_INTERVAL] (or the interval, if longer) where the path is watched on a local
///   file system, else at the interval (as while the path does not exist, or its file system
///   may be changed by other machines).
/// - **Polling** (the `nio` backend, or no inotify here): the path is read again every
///   interval, [#DEFAULT_INTERVAL] if the interval given is zero, never more often than every
///   [#MIN_INTERVAL].
///
/// ## Caveats
/// - **Time granularity.** A change is only seen if a field changes. Two writes that leave the
///   size alone within one tick of the file system's clock (a few milliseconds on most Linux
///   file systems, one or two seconds on some) look like one; and on the polling route, a
///   change undone between two polls is never seen. Compare sizes, inodes or content where
///   that matters.
/// - **Several changes, one callback.** Changes that come faster than the loop runs are
///   reported as one, with the attributes before and after them all.
/// - **Network and virtual file systems**: inotify sees only changes made through this
///   machine's kernel, so changes by other machines (NFS, SMB, FUSE) are seen only by polling,
///   and `/proc` or `/sys` files do not change their stat at all.
/// - **Symbolic links are followed**: the attributes are the target's, and re-pointing the
///   link shows as a change only if the new target's attributes differ. Kernel notice covers
///   the target and the directory holding the link, not a directory between them.
/// - If the parent directory does not exist either, only polling sees the path come into
///   being (the watches are set as soon as a poll finds the parent).
public final class StatWatcher extends Watcher {
    /// The interval an interval of zero stands for.
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    /// Shorter intervals are raised to this.
    public static final Duration MIN_INTERVAL = Duration.ofMillis(100);
    /// How often a path under kernel notice on a local file system is polled all the same.
    public static final Duration SAFETY_NET_INTERVAL = Duration.ofSeconds(30);
    /// Longer intervals are lowered to this, so that deadlines stay far from overflow.
    static final long MAX_INTERVAL_NS = Duration.ofDays(365).toNanos();

    private final Callback<? super StatWatcher> callback;
    private Path path;
    /// As set: 0 for the default.
    private long intervalNs;
    private PathStat attributes = PathStat.MISSING;
    private PathStat previous = PathStat.MISSING;
    private TimerWatcher poll;

    // Kernel notice; the loop's StatRegistry keeps these.
    /// The path and its parent, absolute, as the file system spells them; parent and name are
    /// null for the root.
    byte[] pathBytes;
    byte[] parentBytes;
    byte[] nameBytes;
    int selfWd = -1;
    int parentWd = -1;
    boolean selfOnLocalFs;
    /// True while this watcher holds a place in the registry's inotify fd.
    boolean armed;
    /// Marks of the registry's current batch of events.
    boolean dirty;
    boolean rearm;

    /// A stopped watcher; give it a path with [#start(Path, Duration)] or [#set].
    public StatWatcher(Loop loop, Callback<? super StatWatcher> callback) {
        super(loop);
        this.callback = Objects.requireNonNull(callback, "callback");
    }

    /// Watches `path` from the next start, reading it again every `interval` (zero: the
    /// default); the watcher must be stopped.
    ///
    /// @throws NullPointerException     `path` or `interval` is null
    /// @throws IllegalArgumentException `interval` is negative
    /// @throws IllegalStateException    the watcher is active
    public void set(Path path, Duration interval) {
        loop.checkThread();
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(interval, "interval");
        if (interval.isNegative()) {
            throw new IllegalArgumentException("stat interval must be >= 0 (0: the default), got " + interval);
        }
        if (isActive()) {
            throw new IllegalStateException("cannot change the path of an active stat watcher; stop() it first");
        }
        this.path = path;
        this.intervalNs = interval.compareTo(Duration.ofNanos(MAX_INTERVAL_NS)) > 0 ? MAX_INTERVAL_NS : interval.toNanos();
        Path absolute = path.toAbsolutePath();
        this.pathBytes = StatRegistry.nameBytes(absolute);
        this.parentBytes = absolute.getParent() == null ? null : StatRegistry.nameBytes(absolute.getParent());
        this.nameBytes = absolute.getFileName() == null ? null : StatRegistry.nameBytes(absolute.getFileName());
        this.attributes = PathStat.MISSING;
        this.previous = PathStat.MISSING;
    }

    /// [#set] and [#start()] in one.
    public void start(Path path, Duration interval) {
        set(path, interval);
        start();
    }

    /// The path watched; null before [#set].
    public Path path() {
        return path;
    }

    /// The polling interval in use when no kernel notice applies: the one set, raised to
    /// [#MIN_INTERVAL], or [#DEFAULT_INTERVAL] for zero.
    public Duration interval() {
        return Duration.ofNanos(baseIntervalNs());
    }

    /// What the path holds now, as last read: at start, at the last change, or by [#stat()].
    public PathStat attributes() {
        return attributes;
    }

    /// What [#attributes()] held before the last change; the same as
    /// [#attributes()] until a change has been seen, [PathStat#MISSING] before the first start.
    public PathStat previousAttributes() {
        return previous;
    }

    /// Reads the path now into [#attributes()], without a callback: so
    /// that a change the callback makes itself is not reported back to it. [#previousAttributes()]
    /// stays as it was.
    ///
    /// @throws IllegalStateException no path was set
    public PathStat stat() {
        loop.checkThread();
        if (path == null) {
            throw new IllegalStateException("no path set; call set(path, interval) first");
        }
        attributes = PathStat.read(path);
        return attributes;
    }

    /// True while changes reach this watcher through the kernel (for tests).
    boolean isKernelNotified() {
        return armed && selfWd >= 0;
    }

    /// Starts watching the path set last. Does nothing if already active.
    ///
    /// @throws IllegalStateException no path was set, or the loop is closed
    @Override
    public void start() {
        if (isActive()) {
            loop.checkThread();
            return;
        }
        if (path == null) {
            loop.checkThread();
            throw new IllegalStateException("no path set; use start(path, interval)");
        }
        loop.startListed(this);
        StatRegistry registry = loop.stats;
        if (registry.kernelNoticeAvailable() && path.getFileSystem() == FileSystems.getDefault()) {
            registry.arm(this);                     // before the first read: no change falls between
        }
        attributes = PathStat.read(path);
        previous = attributes;
        if (poll == null) {
            poll = new TimerWatcher(loop, (t, e) -> pollNow());
        }
        long repeatNs = pollIntervalNs();
        poll.start(repeatNs, repeatNs);
        loop.unref();                               // only the stat watcher itself counts
    }

    @Override
    public void stop() {
        loop.checkThread();
        if (isActive()) {
            loop.stats.disarm(this);
            poll.stop();
            loop.ref();
        }
        loop.stopListed(this);
    }

    @Override
    void invoke(int events) {
        callback.onEvent(this, events);
    }

    @Override
    String kind() {
        return "stat";
    }

    private void pollNow() {
        if (armed) {
            loop.stats.arm(this);                   // the parent may exist now, or a new file
        }
        recheck();
    }

    /// Reads the path again; queues the callback if anything differs. Also fits the polling
    /// interval to what the kernel watches now.
    void recheck() {
        long repeatNs = pollIntervalNs();
        if (poll.repeatNs() != repeatNs) {
            poll.setRepeatNs(repeatNs);
            poll.again();
        }
        PathStat now = PathStat.read(path);
        if (!now.equals(attributes)) {
            previous = attributes;
            attributes = now;
            loop.feedEvent(this, Events.STAT);
        }
    }

    private long baseIntervalNs() {
        return intervalNs == 0 ? DEFAULT_INTERVAL.toNanos() : Math.max(intervalNs, MIN_INTERVAL.toNanos());
    }

    private long pollIntervalNs() {
        long base = baseIntervalNs();
        return isKernelNotified() && selfOnLocalFs ? Math.max(base, SAFETY_NET_INTERVAL.toNanos()) : base;
    }
}
