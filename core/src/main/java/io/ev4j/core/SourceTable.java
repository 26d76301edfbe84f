package io.ev4j.core;

import io.ev4j.core.backend.Backend;

import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.util.Arrays;
import java.util.IdentityHashMap;

/// The io watchers of a loop, grouped by the handle they watch, and the interest the kernel
/// has been told about for each handle.
///
/// ## Batched changes
/// Starting, stopping or changing an io watcher only marks its handle's slot as changed.
/// [#applyChanges] runs once per loop iteration, just before the poll, and tells the backend
/// the net change per slot, so a callback that stops and restarts a watcher costs no system
/// call.
///
/// ## Slots
/// On a backend that watches fds, a slot is the fd itself (a dense array indexed by fd, as
/// the kernel hands out the lowest free number). On a channel backend, slots are allocated
/// per channel and reused after the last watcher of a channel stops and the change is applied.
final class SourceTable implements Backend.ReadySink {

    /// One watched handle.
    static final class Slot {
        final int index;
        IoSource source;
        IoWatcher[] watchers = new IoWatcher[2];
        int watcherCount;
        /// Interest the backend was last told about.
        int kernelMask;
        /// Queued in `changed` for the next [#applyChanges].
        boolean changed;
        /// A watcher was (re)started with a newly set source: re-register even if the mask
        /// looks unchanged, because the fd may have been closed and its number reused.
        boolean forceRegister;

        Slot(int index) {
            this.index = index;
        }

        int wantedMask() {
            int mask = 0;
            for (int i = 0; i < watcherCount; i++) {
                mask |= watchers[i].events();
            }
            return mask;
        }
    }

    private final boolean fdSlots;
    private final PendingQueue pending;
    private Slot[] slots = new Slot[64];
    private int[] changed = new int[64];
    private int changedCount;
    /// Channel backends only: the slot of each watched channel, and the free slot numbers.
    private final IdentityHashMap<SelectableChannel, Slot> slotOfChannel;
    private int[] freeSlots = new int[16];
    private int freeCount;
    private int nextChannelSlot;
    private int activeWatchers;

    SourceTable(boolean fdSlots, PendingQueue pending) {
        this.fdSlots = fdSlots;
        this.pending = pending;
        this.slotOfChannel = fdSlots ? null : new IdentityHashMap<>();
    }

    int activeWatchers() {
        return activeWatchers;
    }

    /// Checks that `source` is the kind of handle `backend` watches.
    ///
    /// @throws IllegalArgumentException naming the backend, the kind it takes, and the source
    static void requireKind(IoSource source, Backend backend) {
        boolean isFd = source instanceof IoSource.Fd;
        if (isFd != backend.watchesFds()) {
            throw new IllegalArgumentException("the " + backend.name() + " backend watches "
                    + (backend.watchesFds() ? "file descriptors (IoSource.fd)" : "channels (IoSource.channel)")
                    + ", not " + source + "; ev4j's TcpSocket and TcpListener give the right kind");
        }
    }

    /// Adds an io watcher to its handle's slot.
    void add(IoWatcher w, boolean sourceIsNew) {
        Slot slot = slotFor(w.source(), true);
        if (slot.watcherCount == slot.watchers.length) {
            slot.watchers = Arrays.copyOf(slot.watchers, slot.watcherCount * 2);
        }
        slot.watchers[slot.watcherCount] = w;
        w.activeIndex = slot.watcherCount++;
        w.slot = slot;
        activeWatchers++;
        if (sourceIsNew) {
            slot.forceRegister = true;
        }
        markChanged(slot);
    }

    /// Removes an active io watcher from its slot.
    void remove(IoWatcher w) {
        Slot slot = w.slot;
        int i = w.activeIndex;
        IoWatcher last = slot.watchers[--slot.watcherCount];
        slot.watchers[i] = last;
        last.activeIndex = i;
        slot.watchers[slot.watcherCount] = null;
        w.activeIndex = Watcher.INACTIVE;
        w.slot = null;
        activeWatchers--;
        markChanged(slot);
    }

    /// Notes that an active watcher's interest changed.
    void interestChanged(IoWatcher w) {
        markChanged(w.slot);
    }

    private void markChanged(Slot slot) {
        if (!slot.changed) {
            slot.changed = true;
            if (changedCount == changed.length) {
                changed = Arrays.copyOf(changed, changedCount * 2);
            }
            changed[changedCount++] = slot.index;
        }
    }

    /// Tells the backend the net change of every slot changed since the last call. A slot the
    /// backend refuses (closed fd, unpollable file) loses its watchers, which are fed
    /// [Events#ERROR] with their interest.
    void applyChanges(Backend backend) {
        for (int i = 0; i < changedCount; i++) {
            Slot slot = slots[changed[i]];
            slot.changed = false;
            int wanted = slot.wantedMask();
            if (wanted != slot.kernelMask || (slot.forceRegister && wanted != 0)) {
                try {
                    if (fdSlots) {
                        backend.modify(slot.index, ((IoSource.Fd) slot.source).fd(), null,
                                slot.kernelMask, wanted, slot.forceRegister);
                    } else {
                        backend.modify(slot.index, -1, ((IoSource.Channel) slot.source).channel(),
                                slot.kernelMask, wanted, slot.forceRegister);
                    }
                    slot.kernelMask = wanted;
                } catch (IOException | RuntimeException e) {
                    slot.kernelMask = 0;
                    failSlot(slot);
                }
            }
            slot.forceRegister = false;
            if (slot.watcherCount == 0 && slot.kernelMask == 0) {
                release(slot);
            }
        }
        changedCount = 0;
    }

    /// Stops every watcher on a slot the backend refused and feeds each an error event.
    private void failSlot(Slot slot) {
        while (slot.watcherCount > 0) {
            IoWatcher w = slot.watchers[slot.watcherCount - 1];
            slot.watchers[--slot.watcherCount] = null;
            w.activeIndex = Watcher.INACTIVE;
            w.slot = null;
            activeWatchers--;
            w.loop.watcherStopped();
            pending.queue(w, Events.ERROR | w.events());
        }
    }

    /// Readiness from the backend: queues every watcher on the slot that asked for any of it.
    @Override
    public void ready(int slotIndex, int readyMask) {
        if (slotIndex >= slots.length) {
            return;
        }
        Slot slot = slots[slotIndex];
        if (slot == null) {
            return;
        }
        for (int i = 0; i < slot.watcherCount; i++) {
            IoWatcher w = slot.watchers[i];
            int events = w.events() & readyMask;
            if (events != 0) {
                pending.queue(w, events);
            }
        }
    }

    /// Feeds `events` to every active io watcher on `source` that asked for them.
    void feed(IoSource source, int events) {
        Slot slot = slotFor(source, false);
        if (slot != null) {
            ready(slot.index, events);
        }
    }

    private Slot slotFor(IoSource source, boolean create) {
        if (fdSlots) {
            int fd = ((IoSource.Fd) source).fd();
            if (fd >= slots.length) {
                if (!create) {
                    return null;
                }
                slots = Arrays.copyOf(slots, Math.max(fd + 1, slots.length * 2));
            }
            Slot slot = slots[fd];
            if (slot == null && create) {
                slot = slots[fd] = new Slot(fd);
            }
            if (slot != null && create) {
                slot.source = source;
            }
            return slot;
        }
        SelectableChannel channel = ((IoSource.Channel) source).channel();
        Slot slot = slotOfChannel.get(channel);
        if (slot == null && create) {
            int index = freeCount > 0 ? freeSlots[--freeCount] : nextChannelSlot++;
            if (index >= slots.length) {
                slots = Arrays.copyOf(slots, slots.length * 2);
            }
            slot = slots[index] = new Slot(index);
            slot.source = source;
            slotOfChannel.put(channel, slot);
        }
        return slot;
    }

    /// Forgets a channel slot that has no watchers and no kernel interest left. Fd slots stay.
    private void release(Slot slot) {
        if (fdSlots) {
            return;
        }
        slotOfChannel.remove(((IoSource.Channel) slot.source).channel());
        slots[slot.index] = null;
        if (freeCount == freeSlots.length) {
            freeSlots = Arrays.copyOf(freeSlots, freeCount * 2);
        }
        freeSlots[freeCount++] = slot.index;
    }

    /// Deactivates every io watcher without telling the backend (the loop is closing).
    void stopAll() {
        for (Slot slot : slots) {
            if (slot == null) {
                continue;
            }
            for (int i = 0; i < slot.watcherCount; i++) {
                slot.watchers[i].activeIndex = Watcher.INACTIVE;
                slot.watchers[i].slot = null;
                slot.watchers[i] = null;
            }
            slot.watcherCount = 0;
        }
        activeWatchers = 0;
        changedCount = 0;
    }

    void verify() {
        int count = 0;
        for (int s = 0; s < slots.length; s++) {
            Slot slot = slots[s];
            if (slot == null) {
                continue;
            }
            PendingQueue.check(slot.index == s, "io slot " + s + " is filed under its own index");
            for (int i = 0; i < slot.watcherCount; i++) {
                IoWatcher w = slot.watchers[i];
                PendingQueue.check(w.activeIndex == i && w.slot == slot,
                        "io watcher " + i + " of slot " + s + " points back at it");
                PendingQueue.check(w.source().equals(slot.source), "io watcher of slot " + s + " watches its source");
                count++;
            }
            if (!slot.changed) {
                PendingQueue.check(slot.kernelMask == slot.wantedMask(),
                        "io slot " + s + ": kernel mask matches the watchers when no change is queued");
            }
        }
        PendingQueue.check(count == activeWatchers, "io watcher count " + activeWatchers + " != " + count);
    }
}
