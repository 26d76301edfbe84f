package io.ev4j.net;

import java.io.File;

/// Counts this process's open descriptors (`/proc/self/fd`), for tests that must close all.
final class OpenFds {
    private OpenFds() {
    }

    static int count() {
        String[] names = new File("/proc/self/fd").list();
        return names == null ? -1 : names.length;
    }
}
