package io.ev4j.core;

import io.ev4j.core.sys.linux.Errno;
import io.ev4j.core.sys.linux.Inotify;
import io.ev4j.core.sys.linux.NativeBackend;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Set;

/// A loop's active [StatWatcher]s, and the one inotify fd (opened on first need, closed when
/// no watcher uses it) through which the kernel tells them of changes.
///
/// Each armed watcher holds up to two watch descriptors: its path's inode (`selfWd`) and its
/// parent directory's (`parentWd`). The kernel gives one descriptor per inode and fd, so
/// watchers share them: a descriptor is removed when its last user lets go. Events are taken
/// in batches: each one marks the watchers it concerns, and each marked watcher then sets its
/// watches again if the path may now be another inode, and reads its attributes once.
final class StatRegistry {
    /// Every event that can change what `stat` says of the inode or of an entry of the
    /// directory: the same mask for every watch, since watchers share them.
    static final int MASK = Inotify.IN_MODIFY | Inotify.IN_ATTRIB | Inotify.IN_CLOSE_WRITE
            | Inotify.IN_MOVED_FROM | Inotify.IN_MOVED_TO | Inotify.IN_CREATE | Inotify.IN_DELETE
            | Inotify.IN_DELETE_SELF | Inotify.IN_MOVE_SELF;
    /// Events after which the watched inode may no longer be what the path names.
    private static final int SELF_GONE = Inotify.IN_DELETE_SELF | Inotify.IN_MOVE_SELF
            | Inotify.IN_IGNORED | Inotify.IN_UNMOUNT;
    /// File systems whose every change goes through this kernel, so kernel notice misses
    /// nothing (`FileStore.type()` names, as `/proc/mounts` spells them).
    private static final Set<String> LOCAL_TYPES = Set.of("ext2", "ext3", "ext4", "xfs", "btrfs", "tmpfs",
            "ramfs", "devtmpfs", "f2fs", "jfs", "reiserfs", "zfs", "bcachefs", "overlay", "nilfs2", "vfat",
            "exfat", "ntfs3", "hfsplus", "udf");
    private static final Charset FILE_NAMES = fileNameCharset();

    private final Loop loop;
    private final WatcherList<StatWatcher> active = new WatcherList<>();
    /// Watch descriptor to the watchers that hold it (one entry per role held).
    private final IntMap<ArrayList<StatWatcher>> users = new IntMap<>();
    private final ArrayList<StatWatcher> marked = new ArrayList<>();
    private Boolean kernelNotice;
    private Inotify inotify;
    private int fd = -1;
    private int armedCount;
    private IoWatcher readable;
    private long overflows;

    StatRegistry(Loop loop) {
        this.loop = loop;
    }

    // ---------------------------------------------------------------- the loop's bookkeeping

    void add(StatWatcher w) {
        active.add(w);
    }

    void remove(StatWatcher w) {
        active.remove(w);
    }

    int size() {
        return active.size();
    }

    void verify() {
        active.verify("stat");
        int armed = 0;
        for (int i = 0; i < active.size(); i++) {
            armed += active.get(i).armed ? 1 : 0;
        }
        PendingQueue.check(armed == armedCount, "armed stat watchers " + armedCount + " != " + armed);
        PendingQueue.check(fd >= 0 || armedCount == 0, armedCount + " stat watchers armed without an inotify fd");
    }

    /// Stops every active stat watcher, which closes the inotify fd.
    void stopAll() {
        while (active.size() > 0) {
            active.get(active.size() - 1).stop();
        }
    }

    /// True if this loop's backend polls fds and inotify works here.
    boolean kernelNoticeAvailable() {
        Boolean k = kernelNotice;
        if (k == null) {
            k = kernelNotice = loop.watchesFds() && loop.backend() instanceof NativeBackend && Inotify.isSupported();
        }
        return k;
    }

    // ---------------------------------------------------------------- watches

    /// Sets (or sets again) `w`'s watches on its parent and on its path, as they are now;
    /// leaves `w` on polling alone if the inotify fd cannot be had.
    void arm(StatWatcher w) {
        if (!w.armed) {
            w.armed = true;
            armedCount++;
            if (!open()) {
                w.armed = false;
                armedCount--;
                return;
            }
        }
        hold(w, true, w.parentBytes == null ? -1 : inotify.addWatch(fd, w.parentBytes, MASK));
        int self = w.pathBytes == null ? -1 : inotify.addWatch(fd, w.pathBytes, MASK);
        if (hold(w, false, self) && self >= 0) {
            w.selfOnLocalFs = isLocal(w.path());
        }
    }

    /// Lets go of `w`'s watches, and of the fd if `w` was its last user.
    void disarm(StatWatcher w) {
        if (!w.armed) {
            return;
        }
        hold(w, true, -1);
        hold(w, false, -1);
        w.armed = false;
        if (--armedCount == 0) {
            close();
        }
    }

    /// Makes `wd` (or none, if negative) `w`'s watch in that role; true if it changed.
    private boolean hold(StatWatcher w, boolean parent, int wd) {
        int old = parent ? w.parentWd : w.selfWd;
        wd = Math.max(wd, -1);
        if (old == wd) {
            return false;
        }
        if (old >= 0) {
            ArrayList<StatWatcher> list = users.get(old);
            if (list != null && list.remove(w) && list.isEmpty()) {
                users.remove(old);
                inotify.rmWatch(fd, old);           // -EINVAL if the kernel dropped it already
            }
        }
        if (wd >= 0) {
            ArrayList<StatWatcher> list = users.get(wd);
            if (list == null) {
                users.put(wd, list = new ArrayList<>(2));
            }
            list.add(w);
        }
        if (parent) {
            w.parentWd = wd;
        } else {
            w.selfWd = wd;
        }
        return true;
    }

    private boolean open() {
        if (fd >= 0) {
            return true;
        }
        if (inotify == null) {
            inotify = new Inotify();
        }
        int r = inotify.init1();
        if (r < 0) {
            return false;                           // out of fds or instances: poll
        }
        fd = r;
        if (readable == null) {
            readable = new IoWatcher(loop, IoSource.fd(fd), Events.READ, (x, e) -> readEvents());
        } else {
            readable.set(IoSource.fd(fd), Events.READ);
        }
        readable.start();
        loop.unref();                               // only the stat watchers count
        return true;
    }

    private void close() {
        readable.stop();
        loop.ref();
        ((NativeBackend) loop.backend()).syscalls().close(fd);
        fd = -1;
        users.clear();
    }

    // ---------------------------------------------------------------- events

    private void readEvents() {
        long n = 0;
        while (fd >= 0) {
            n = inotify.read(fd);
            if (n <= 0) {
                break;
            }
            MemorySegment events = inotify.events();
            for (int at = 0; at < n; at = Inotify.next(events, at)) {
                dispatch(events, at);
            }
        }
        for (int i = 0; i < marked.size(); i++) {
            StatWatcher w = marked.get(i);
            boolean again = w.rearm;
            w.dirty = false;
            w.rearm = false;
            if (w.isActive() && w.armed) {
                if (again) {
                    arm(w);
                }
                w.recheck();
            }
        }
        marked.clear();
        if (n < 0 && n != -Errno.EAGAIN && n != -Errno.EINTR) {
            throw new UncheckedIOException(Errno.exception("read", "the stat watchers' inotify fd", (int) -n));
        }
    }

    private void dispatch(MemorySegment events, int at) {
        int wd = Inotify.wd(events, at);
        int mask = Inotify.mask(events, at);
        if ((mask & Inotify.IN_Q_OVERFLOW) != 0) {  // wd -1: the kernel's queue was full
            overflows++;
            for (int i = 0; i < active.size(); i++) {
                mark(active.get(i), true);          // events were lost: look at everything
            }
            return;
        }
        ArrayList<StatWatcher> list = users.get(wd);
        if (list == null) {
            return;                                 // a watch let go of since
        }
        boolean named = Inotify.nameLength(events, at) > 0;
        for (int i = 0; i < list.size(); i++) {
            StatWatcher w = list.get(i);
            if (w.selfWd == wd) {
                mark(w, (mask & SELF_GONE) != 0);   // named: an entry of a watched directory
            }
            if (w.parentWd == wd && (!named || (w.nameBytes != null && Inotify.nameEquals(events, at, w.nameBytes)))) {
                mark(w, true);                      // the path now names another inode, or none
            }
        }
        if ((mask & Inotify.IN_IGNORED) != 0) {     // the kernel has dropped the watch
            users.remove(wd);
            for (int i = 0; i < list.size(); i++) {
                StatWatcher w = list.get(i);
                if (w.selfWd == wd) {
                    w.selfWd = -1;
                }
                if (w.parentWd == wd) {
                    w.parentWd = -1;
                }
            }
        }
    }

    private void mark(StatWatcher w, boolean rearm) {
        if (!w.armed) {
            return;
        }
        if (!w.dirty) {
            w.dirty = true;
            marked.add(w);
        }
        w.rearm |= rearm;
    }

    /// How many times the kernel's event queue overflowed, each time making every watcher
    /// set its watches again and read its path (for tests).
    long overflows() {
        return overflows;
    }

    // ---------------------------------------------------------------- paths

    /// `p` as the file system spells it (the platform's file-name encoding).
    static byte[] nameBytes(Path p) {
        return p.toString().getBytes(FILE_NAMES);
    }

    private static Charset fileNameCharset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding"), Charset.defaultCharset());
        } catch (IllegalArgumentException e) {
            return Charset.defaultCharset();
        }
    }

    private static boolean isLocal(Path p) {
        try {
            return LOCAL_TYPES.contains(Files.getFileStore(p).type());
        } catch (IOException | SecurityException e) {
            return false;                           // unknown: keep polling at the interval
        }
    }
}
