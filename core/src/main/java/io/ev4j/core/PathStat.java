package io.ev4j.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/// What a [StatWatcher] saw of its path at one moment: the fields of `stat(2)` it compares.
///
/// ```java
/// PathStat s = PathStat.read(Path.of("/etc/hostname"));
/// if (s.exists() && s.isRegularFile()) System.out.println(s.sizeBytes() + " bytes, mode " + Integer.toOctalString(s.permissions()));
/// ```
///
/// A path that does not exist, or cannot be read (a component is not a directory, no
/// permission to search a parent, a symbolic-link loop), is [#MISSING]: `exists` false and
/// every other field 0, with `linkCount() == 0`. Symbolic links are
/// followed: the fields are the target's.
///
/// Times are nanoseconds since the epoch, as precise as the file system keeps them (often
/// a few milliseconds; one or two seconds on some). Where the file system has no `unix`
/// attribute view, only `exists`, the size, the times and the file type (in `mode`) are
/// known; `changedNs` is then 0, `linkCount` 1 and the other numbers 0.
///
/// Two stats are equal when every field is: that is the change test of a [StatWatcher].
///
/// @param exists     false for a path with nothing there (see above)
/// @param sizeBytes  `st_size`
/// @param modifiedNs `st_mtime`: last change of the content (of a directory: of its entries)
/// @param changedNs  `st_ctime`: last change of the content or of the inode (mode, owner, links)
/// @param accessedNs `st_atime`: last read, as the mount's `atime` options keep it
/// @param device     `st_dev`: the file system it lives on
/// @param inode      `st_ino`: a new number means a new file (replaced, not changed)
/// @param mode       `st_mode`: file type and permission bits
/// @param linkCount  `st_nlink`
/// @param uid        `st_uid`
/// @param gid        `st_gid`
public record PathStat(boolean exists, long sizeBytes, long modifiedNs, long changedNs, long accessedNs,
                       long device, long inode, int mode, int linkCount, int uid, int gid) {

    /// Nothing at the path.
    public static final PathStat MISSING = new PathStat(false, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /// `S_IFMT`, `S_IFDIR`, `S_IFREG` of `<sys/stat.h>`.
    static final int S_IFMT = 0170000;
    static final int S_IFDIR = 0040000;
    static final int S_IFREG = 0100000;

    private static final String UNIX_ATTRIBUTES =
            "unix:dev,ino,mode,nlink,uid,gid,size,lastAccessTime,lastModifiedTime,ctime";

    /// True for a directory.
    public boolean isDirectory() {
        return (mode & S_IFMT) == S_IFDIR;
    }

    /// True for a regular file.
    public boolean isRegularFile() {
        return (mode & S_IFMT) == S_IFREG;
    }

    /// The permission bits of [#mode()] (with set-uid, set-gid and sticky): `0644` and the like.
    public int permissions() {
        return mode & 07777;
    }

    /// Reads `path` now, following symbolic links; never throws for a path that is not there
    /// or cannot be read (that is [#MISSING]).
    ///
    /// @throws NullPointerException `path` is null
    public static PathStat read(Path path) {
        try {
            if (path.getFileSystem().supportedFileAttributeViews().contains("unix")) {
                return fromUnix(Files.readAttributes(path, UNIX_ATTRIBUTES));
            }
            return fromBasic(Files.readAttributes(path, BasicFileAttributes.class));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return MISSING;                         // a failed stat reads as "not there"
        }
    }

    private static PathStat fromUnix(Map<String, Object> a) {
        return new PathStat(true, (Long) a.get("size"), ns(a.get("lastModifiedTime")), ns(a.get("ctime")),
                ns(a.get("lastAccessTime")), (Long) a.get("dev"), (Long) a.get("ino"), (Integer) a.get("mode"),
                (Integer) a.get("nlink"), (Integer) a.get("uid"), (Integer) a.get("gid"));
    }

    private static PathStat fromBasic(BasicFileAttributes a) {
        int type = a.isDirectory() ? S_IFDIR : a.isRegularFile() ? S_IFREG : 0;
        return new PathStat(true, a.size(), ns(a.lastModifiedTime()), 0, ns(a.lastAccessTime()),
                0, 0, type, 1, 0, 0);
    }

    private static long ns(Object time) {
        return time instanceof FileTime t ? t.to(TimeUnit.NANOSECONDS) : 0;
    }
}
