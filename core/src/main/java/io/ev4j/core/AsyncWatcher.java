package io.ev4j.core;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/// Lets any thread wake the loop and get one callback on the loop thread.
///
/// ```java
/// var wake = new AsyncWatcher(loop, (w, events) -> drainMyQueue());
/// wake.start();
/// // on another thread:
/// myQueue.offer(job);
/// wake.send();
/// ```
///
/// ## Guarantees
/// - [#send()] is safe from any thread, never blocks and allocates nothing.
/// - Sends coalesce: however many sends happen before the loop notices, the callback runs once,
///   and the whole loop does at most one wake-up system call until it next polls.
/// - A send that happens before the callback starts running is seen by that callback or causes
///   another one; none is lost while the watcher is active.
/// - A send to a stopped watcher is dropped; [#start()] clears any left-over send.
/// - An active async watcher keeps [Loop#run()] going, like any other.
public final class AsyncWatcher extends Watcher {
    private final Callback<? super AsyncWatcher> callback;
    private final AtomicBoolean sent = new AtomicBoolean();

    /// A stopped async watcher.
    public AsyncWatcher(Loop loop, Callback<? super AsyncWatcher> callback) {
        super(loop);
        this.callback = Objects.requireNonNull(callback, "callback");
    }

    /// Asks for a callback on the loop thread. Any thread.
    public void send() {
        if (!sent.getAndSet(true)) {
            loop.wakeupForAsync();
        }
    }

    /// True if a send has not been delivered yet. Any thread.
    public boolean isSendPending() {
        return sent.get();
    }

    /// Loop thread: takes the send flag; true if a send was waiting.
    boolean takeSend() {
        return sent.get() && sent.getAndSet(false);
    }

    void clearSend() {
        sent.set(false);
    }

    /// Starts it. Does nothing if already active.
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
        callback.onEvent(this, events);
    }

    @Override
    String kind() {
        return "async";
    }
}
