package io.ev4j.examples;

import java.io.File;

/// Counts this process's open file descriptors (Linux), to check that a test closed what it opened.
public final class OpenFds {
    private OpenFds() {
    }

    /// The number of entries in /proc/self/fd, or -1 where there is no such directory.
    public static int count() {
        String[] names = new File("/proc/self/fd").list();
        return names == null ? -1 : names.length;
    }
}
