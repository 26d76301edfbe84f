package io.ev4j.core.backend.nio;

import io.ev4j.core.backend.Backend;

import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.IllegalSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/// The portable [Backend], built on a [java.nio.channels.Selector].
///
/// ```java
/// try (SelectorBackend backend = new SelectorBackend()) {
///     backend.modify(0, -1, pipe.source(), 0, Backend.READ, false);
///     backend.poll(-1, (slot, mask) -> System.out.println(slot + " is ready"));
/// }
/// ```
///
/// It watches [SelectableChannel]s ([#watchesFds()] is false), under the slots the loop
/// assigns, and is level-triggered like the selector it wraps.
///
/// ## Guarantees
/// - **Interest.** [#READ] becomes `OP_READ | OP_ACCEPT` and [#WRITE] becomes
///   `OP_WRITE | OP_CONNECT`, each cut down to the channel's `validOps()`. Registering both
///   write-side operations is right before and after a connect completes: the selector only
///   arms `OP_CONNECT` while a connect is pending, so neither state spins. A mask that leaves
///   no valid operation (a pipe's sink watched for [#READ]) is accepted and never fires.
/// - **Readiness.** `OP_READ`/`OP_ACCEPT` are reported as [#READ], `OP_WRITE`/`OP_CONNECT` as
///   [#WRITE], only for bits still watched, at most once per slot and [#poll]. Hang-ups and
///   socket errors make the selector report every watched operation, as the SPI asks.
/// - **Channels** are switched to non-blocking mode on their first registration and are
///   never closed by this backend, not even by [#close()].
/// - **No allocation** per poll or per event once the loop has warmed up: the selector's
///   consumer form is used with one consumer made at construction, and readiness is gathered
///   in an array that only grows. Registering a channel allocates its key, as the JDK does.
///
/// ## Removing and re-adding a channel
/// A mask of `0` cancels the channel's key. The selector keeps a cancelled key until its next
/// selection, and a channel cannot be registered again while it still has one. When
/// [#modify] finds such a key, it flushes it with a non-blocking selection first. Two things
/// that flush could lose are kept:
/// - readiness it sees on other channels is buffered and reported by the next [#poll],
///   merged with what that poll selects itself and masked with the interest current then
///   (readiness for a channel removed in between is dropped);
/// - a [#wakeup()] it may have consumed is honoured by making the next [#poll] non-blocking,
///   so that poll may return early with nothing to report, which the SPI allows.
///
/// In the loop's ordinary flow a poll runs between the removal and the re-adding, so the
/// flush is rare.
///
/// ## Caveats
/// - Loop thread only, except [#wakeup()].
/// - A timed [#poll] rounds up to whole milliseconds, so it never returns before its timeout
///   for lack of readiness, but may wait up to a millisecond (plus scheduling) longer.
/// - A pending interrupt of the polling thread makes every poll return at once; the loop
///   decides what an interrupt means.
/// - After [#close()], [#modify] and [#poll] throw
///   [java.nio.channels.ClosedSelectorException].
public final class SelectorBackend implements Backend {

    private static final int READ_OPS = SelectionKey.OP_READ | SelectionKey.OP_ACCEPT;
    private static final int WRITE_OPS = SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT;

    private final Selector selector;
    /// Made once: selections gather into [#seen] through it, never allocating a lambda.
    private final Consumer<SelectionKey> collector = this::collect;
    /// Registrations with readiness not yet reported; each appears once (its `pending != 0`).
    private Registration[] seen = new Registration[64];
    private int seenCount;
    /// A flush selection ran since the last poll and may have consumed a wakeup.
    private boolean wakeupMaybeLost;

    /// Opens a selector from the default provider.
    ///
    /// @throws IOException the selector cannot be opened (too many open files)
    public SelectorBackend() throws IOException {
        this.selector = Selector.open();
    }

    /// Always true: a selector exists on every platform the JDK runs on.
    public static boolean isSupported() {
        return true;
    }

    @Override
    public String name() {
        return "nio";
    }

    @Override
    public boolean watchesFds() {
        return false;
    }

    /// Registers, updates or cancels `channel`'s key; see the class comment for masks and
    /// for removing then re-adding a channel. `fd` must be `-1`. `forceRegister` adds nothing
    /// for channels: a channel object cannot silently stand for a new handle, and a closed one
    /// is found out here either way.
    ///
    /// @throws ClosedChannelException adding or changing a closed channel (removing one is a
    ///         silent no-op)
    /// @throws IOException the channel cannot be registered with this selector
    @Override
    public void modify(int slot, int fd, SelectableChannel channel, int oldMask, int newMask,
                       boolean forceRegister) throws IOException {
        if (channel == null || fd != -1) {
            throw new IllegalArgumentException("the nio backend watches channels, not file descriptors");
        }
        if (slot < 0) {
            throw new IllegalArgumentException("slot must be >= 0, got " + slot);
        }
        if ((newMask & ~(READ | WRITE)) != 0) {
            throw new IllegalArgumentException("mask must combine READ and WRITE, got " + newMask);
        }
        SelectionKey key = channel.keyFor(selector);
        if (newMask == 0) {
            if (key != null) {
                if (key.attachment() instanceof Registration r) {
                    r.mask = 0;
                }
                key.cancel();
            }
            return;
        }
        if (key != null && !key.isValid()) {
            flushCancelledKeys();
            key = channel.keyFor(selector);
            if (key != null && !key.isValid()) {
                throw new IOException("channel still has a cancelled key after a flush: " + channel);
            }
        }
        int ops = interestOps(channel.validOps(), newMask);
        if (key == null) {
            register(slot, channel, newMask, ops);
        } else {
            Registration r = (Registration) key.attachment();
            r.slot = slot;
            r.mask = newMask;
            try {
                if (key.interestOps() != ops) {
                    key.interestOps(ops);
                }
            } catch (CancelledKeyException e) {
                r.mask = 0;
                throw closed(e);
            }
        }
    }

    private void register(int slot, SelectableChannel channel, int mask, int ops) throws IOException {
        if (!channel.isOpen()) {
            throw new ClosedChannelException();
        }
        Registration r = new Registration(slot, mask);
        try {
            if (channel.isBlocking()) {
                channel.configureBlocking(false);
            }
            r.key = channel.register(selector, ops, r);
        } catch (CancelledKeyException e) {
            throw closed(e);
        } catch (IllegalSelectorException e) {
            throw new IOException("channel comes from another SelectorProvider: " + channel, e);
        }
    }

    private static ClosedChannelException closed(Throwable cause) {
        ClosedChannelException e = new ClosedChannelException();
        e.initCause(cause);
        return e;
    }

    private static int interestOps(int validOps, int mask) {
        int ops = 0;
        if ((mask & READ) != 0) {
            ops |= validOps & READ_OPS;
        }
        if ((mask & WRITE) != 0) {
            ops |= validOps & WRITE_OPS;
        }
        return ops;
    }

    /// Runs a non-blocking selection so that cancelled keys are deregistered. Readiness it
    /// finds goes to [#seen] like any other; the wakeup it may swallow is made up for by
    /// [#poll].
    private void flushCancelledKeys() throws IOException {
        wakeupMaybeLost = true;
        selector.selectNow(collector);
    }

    /// Waits as the SPI says. The selection does not block when readiness is already buffered
    /// or a flush may have consumed a wakeup. `timeoutNs > 0` is rounded up to whole
    /// milliseconds; any negative value means no limit.
    @Override
    public int poll(long timeoutNs, ReadySink sink) throws IOException {
        Objects.requireNonNull(sink, "sink");
        if (timeoutNs == 0 || seenCount > 0 || wakeupMaybeLost) {
            selector.selectNow(collector);
        } else if (timeoutNs < 0) {
            selector.select(collector);
        } else {
            // select(action, 0) would mean "no limit": the rounding up keeps this >= 1.
            long ms = timeoutNs / 1_000_000L + (timeoutNs % 1_000_000L == 0 ? 0 : 1);
            selector.select(collector, ms);
        }
        wakeupMaybeLost = false;
        return drain(sink);
    }

    /// The selector's consumer: records a key's readiness in backend bits.
    private void collect(SelectionKey key) {
        if (!(key.attachment() instanceof Registration r) || r.mask == 0) {
            return;
        }
        int ops;
        try {
            ops = key.readyOps();
        } catch (CancelledKeyException e) {
            return;
        }
        int mask = 0;
        if ((ops & READ_OPS) != 0) {
            mask |= READ;
        }
        if ((ops & WRITE_OPS) != 0) {
            mask |= WRITE;
        }
        if (mask == 0) {
            return;
        }
        if (r.pending == 0) {
            if (seenCount == seen.length) {
                seen = Arrays.copyOf(seen, seenCount * 2);
            }
            seen[seenCount++] = r;
        }
        r.pending |= mask;
    }

    /// Reports everything gathered, masked with the interest current now, and empties [#seen]
    /// even if the sink throws (level-triggering reports what is still ready next time).
    private int drain(ReadySink sink) {
        int reported = 0;
        int i = 0;
        try {
            while (i < seenCount) {
                Registration r = seen[i];
                seen[i++] = null;
                int mask = r.pending & r.mask;
                r.pending = 0;
                if (mask != 0 && r.key.isValid()) {
                    sink.ready(r.slot, mask);
                    reported++;
                }
            }
        } finally {
            while (i < seenCount) {
                seen[i].pending = 0;
                seen[i++] = null;
            }
            seenCount = 0;
        }
        return reported;
    }

    /// Wakes a blocked (or the next) [#poll]. Any thread; a no-op once closed.
    @Override
    public void wakeup() {
        selector.wakeup();
    }

    /// Closes the selector, which deregisters every channel without closing it. Idempotent.
    @Override
    public void close() {
        try {
            selector.close();
        } catch (IOException ignored) {
            // Nothing useful to do: the selector's resources are released as far as possible.
        }
        Arrays.fill(seen, 0, seenCount, null);
        seenCount = 0;
    }

    @Override
    public String toString() {
        return "SelectorBackend[" + (selector.isOpen() ? selector.keys().size() + " keys" : "closed") + "]";
    }

    /// One channel's registration, attached to its key: what [#poll] needs to report it.
    private static final class Registration {
        /// The loop's slot for the channel.
        int slot;
        /// The backend mask ([#READ] | [#WRITE]) currently watched; 0 once removed.
        int mask;
        /// Readiness gathered since the last report; non-zero while listed in `seen`.
        int pending;
        /// Set right after registration, before any selection can see the key.
        SelectionKey key;

        Registration(int slot, int mask) {
            this.slot = slot;
            this.mask = mask;
        }
    }
}
