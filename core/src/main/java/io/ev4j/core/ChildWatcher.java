package io.ev4j.core;

import io.ev4j.core.sys.linux.Errno;
import io.ev4j.core.sys.linux.NativeBackend;
import io.ev4j.core.sys.linux.PidFd;
import io.ev4j.core.sys.linux.WaitAbi;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/// Calls back on the loop thread when a process exits, with how it ended.
///
/// ```java
/// Process p = new ProcessBuilder("sh", "-c", "exit 3").start();
/// new ChildWatcher(loop, p, (w, events) -> System.out.println("exit code " + w.status().exitCode())).start();
/// loop.run();                         // returns once the callback has run
/// p.waitFor();                        // still 3: the status was not taken from the JDK
/// ```
///
/// ## Guarantees
/// - One callback per [#start()], with [Events#CHILD], after the process has exited; the
///   watcher stops itself just before that callback, so [Loop#run()] can return.
/// - The exit status is **never taken away from the JDK**: [Process#waitFor()] and
///   [Process#exitValue()] go on working. ev4j never calls `waitpid(-1)` and never reaps.
/// - Any pid may be watched, not only the JVM's children. For a process that is not a child,
///   the status is reported as [ChildStatus.Kind#UNKNOWN] unless the kernel kept it (below).
/// - An active child watcher keeps [Loop#run()] going; [#stop()] and [Loop#close()] release
///   everything it holds.
///
/// ## Two routes
/// - **Native** (a loop on the `epoll` or `poll` backend, Linux 5.3+): a process descriptor
///   (`pidfd_open`) joins the loop's poll set and becomes readable when the process exits.
///   The status is then read without reaping: `waitid(P_PIDFD, .., WEXITED | WNOWAIT)` while
///   the process is still a zombie, or, once the JDK's reaper thread has reaped it (it usually
///   wins that race), the exit status the kernel keeps for a process descriptor (Linux 6.15+).
///   Exit code and terminating signal are told apart exactly, for any process. Where neither
///   is available, a [Process] falls back to the portable route, and a bare pid whose status
///   cannot be read (its parent has not reaped it yet) is retried for about a tenth of a
///   second and then reported as [ChildStatus.Kind#UNKNOWN].
/// - **Portable** (`nio` backend, or no process descriptors): [ProcessHandle#onExit()]
///   completes on a JDK thread and hands over to the loop through [Loop#execute]. For a
///   [Process] the status is its [Process#exitValue()], in which the JDK writes death by
///   signal `n` as `128 + n`: such values are reported as [ChildStatus.Kind#KILLED], so a
///   program that itself exits with 130 shows as killed by signal 2. For a bare pid the
///   status is [ChildStatus.Kind#UNKNOWN].
///
/// ## Caveats
/// - Stops and continues are not reported: a process descriptor only
///   signals exit, and catching `SIGCHLD` in a JVM is not reliable.
/// - A [Process] that has already been reaped by the JDK when [#start()] runs is reported
///   from its [Process#exitValue()] on both routes, so with the portable route's reading of
///   values above 128.
/// - A pid is only a number: if the process is gone before [#start()] and the number was
///   reused, the new process is watched. Pass the [Process] where you have one.
public final class ChildWatcher extends Watcher {
    private static final long FIRST_RETRY_NS = 1_000_000L;
    private static final long LAST_RETRY_NS = 128_000_000L;

    private final Callback<? super ChildWatcher> callback;
    private long pid;
    private Process process;
    private ChildStatus status;
    /// Set when the exit has been seen and the callback is queued: it stops the watcher.
    private boolean exitQueued;
    /// Changes on every start and stop, so that a late hand-over from another thread can tell
    /// that it belongs to an earlier start.
    private int generation;

    // the native route
    private PidFd pidfds;
    private int pidfd = -1;
    private IoWatcher exitReadable;
    private TimerWatcher retry;

    /// A stopped watcher of `process` (one [ProcessBuilder#start()] returned).
    public ChildWatcher(Loop loop, Process process, Callback<? super ChildWatcher> callback) {
        super(loop);
        this.callback = Objects.requireNonNull(callback, "callback");
        set(process);
    }

    /// A stopped watcher of any process by its pid.
    ///
    /// @throws IllegalArgumentException `pid` is not positive
    public ChildWatcher(Loop loop, long pid, Callback<? super ChildWatcher> callback) {
        super(loop);
        this.callback = Objects.requireNonNull(callback, "callback");
        set(pid);
    }

    /// Watches `process` from the next start; the watcher must be stopped.
    public void set(Process process) {
        checkStopped();
        this.process = Objects.requireNonNull(process, "process");
        this.pid = process.pid();
    }

    /// Watches the process `pid` from the next start; the watcher must be stopped.
    ///
    /// @throws IllegalArgumentException `pid` is not positive
    public void set(long pid) {
        checkStopped();
        if (pid <= 0 || pid > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("pid must be a positive process id, got " + pid);
        }
        this.process = null;
        this.pid = pid;
    }

    private void checkStopped() {
        loop.checkThread();
        if (isActive()) {
            throw new IllegalStateException("cannot change the process of an active child watcher; stop() it first");
        }
    }

    /// The process watched.
    public long pid() {
        return pid;
    }

    /// How the process ended; null until the exit has been seen (set when the callback runs).
    public ChildStatus status() {
        return status;
    }

    /// The exit code if the process exited normally, else -1 (see [#status()]).
    public int exitCode() {
        return status == null ? -1 : status.exitCode();
    }

    /// The signal that ended the process, or 0 (see [#status()]).
    public int terminatingSignal() {
        return status == null ? 0 : status.terminatingSignal();
    }

    /// True while a process descriptor is open for this watcher (for tests).
    boolean holdsPidfd() {
        return pidfd >= 0;
    }

    /// Starts watching. Does nothing if already active.
    @Override
    public void start() {
        if (isActive()) {
            loop.checkThread();
            return;
        }
        loop.startListed(this);
        status = null;
        exitQueued = false;
        generation++;
        if (loop.watchesFds() && loop.backend() instanceof NativeBackend && PidFd.isSupported()) {
            startNative();
        } else {
            startPortable();
        }
    }

    @Override
    public void stop() {
        generation++;
        exitQueued = false;
        closeNative();
        loop.stopListed(this);
    }

    @Override
    void invoke(int events) {
        if (exitQueued) {
            exitQueued = false;
            generation++;
            loop.stopListed(this);
        }
        callback.onEvent(this, events);
    }

    @Override
    String kind() {
        return "child";
    }

    // ---------------------------------------------------------------- native route

    private void startNative() {
        if (pidfds == null) {
            pidfds = new PidFd();
        }
        int fd = pidfds.open(pid);
        if (fd >= 0) {
            pidfd = fd;
            if (exitReadable == null) {
                exitReadable = new IoWatcher(loop, IoSource.fd(fd), Events.READ, (w, e) -> readExit());
                retry = new TimerWatcher(loop, (w, e) -> retryReadExit(w));
            } else {
                exitReadable.set(IoSource.fd(fd), Events.READ);
            }
            startInternal(exitReadable);
        } else if (fd == -Errno.ESRCH && process == null) {
            exited(ChildStatus.unknown(pid));       // gone already, status with its parent
        } else {
            startPortable();                        // a Process knows its status; or no pidfd here
        }
    }

    /// The process descriptor is readable: the process has exited.
    private void readExit() {
        if (pidfds.waitidPeek(pidfd) > 0) {
            var info = pidfds.siginfo();
            int code = WaitAbi.siCode(info);
            int value = WaitAbi.siStatus(info);
            exited(code == WaitAbi.CLD_EXITED ? ChildStatus.exited(pid, value)
                    : ChildStatus.killed(pid, value, code == WaitAbi.CLD_DUMPED));
            return;
        }
        int r = pidfds.getInfo(pidfd);
        if (r == 0 && pidfds.infoHasExit()) {
            int word = pidfds.infoExitCode();
            exited(WaitAbi.exited(word) ? ChildStatus.exited(pid, WaitAbi.exitStatus(word))
                    : ChildStatus.killed(pid, WaitAbi.termSig(word), WaitAbi.coreDumped(word)));
        } else if (r == 0 && !retry.isActive()) {
            stopInternal(exitReadable);             // a zombie: its status is kept once it is reaped
            startInternal(retry, FIRST_RETRY_NS);
        } else if (r != 0 || retry.repeatNs() >= LAST_RETRY_NS) {
            closeNative();
            if (process != null) {
                startPortable();
            } else {
                exited(ChildStatus.unknown(pid));
            }
        }
    }

    private void retryReadExit(TimerWatcher timer) {
        timer.setRepeatNs(Math.min(timer.repeatNs() * 2, LAST_RETRY_NS));
        readExit();
    }

    private void startInternal(IoWatcher w) {
        w.start();
        loop.unref();                               // only the child watcher itself counts
    }

    private void startInternal(TimerWatcher t, long afterNs) {
        t.start(afterNs, afterNs);
        loop.unref();
    }

    private void stopInternal(Watcher w) {
        if (w != null && w.isActive()) {
            w.stop();
            loop.ref();
        }
    }

    private void closeNative() {
        stopInternal(exitReadable);
        stopInternal(retry);
        if (pidfd >= 0) {
            ((NativeBackend) loop.backend()).syscalls().close(pidfd);
            pidfd = -1;
        }
    }

    // ---------------------------------------------------------------- portable route

    private void startPortable() {
        CompletableFuture<?> exit;
        if (process != null) {
            exit = process.onExit();
        } else {
            Optional<ProcessHandle> handle = ProcessHandle.of(pid);
            if (handle.isEmpty()) {
                exited(ChildStatus.unknown(pid));
                return;
            }
            exit = handle.get().onExit();
        }
        int startedAs = generation;
        exit.whenComplete((ignored, error) -> handOver(startedAs));
    }

    /// A JDK thread: the process has exited; tell the loop.
    private void handOver(int startedAs) {
        try {
            loop.execute(() -> portableExited(startedAs));
        } catch (RejectedExecutionException closed) {
            // the loop is closed: nobody is waiting any more
        }
    }

    private void portableExited(int startedAs) {
        if (startedAs != generation || !isActive() || exitQueued) {
            return;                                 // stopped (and maybe restarted) since
        }
        exited(process != null ? ChildStatus.fromExitValue(pid, process.exitValue()) : ChildStatus.unknown(pid));
    }

    /// Records the status, releases what the route held, and queues the callback; the watcher
    /// stays active until the callback runs, so that [Loop#run()] does not return before it.
    private void exited(ChildStatus s) {
        status = s;
        exitQueued = true;
        closeNative();
        loop.feedEvent(this, Events.CHILD);
    }
}
