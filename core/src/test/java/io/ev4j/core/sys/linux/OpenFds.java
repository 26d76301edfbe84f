package io.ev4j.core.sys.linux;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/// Counts this process's open file descriptors, to check that a test closed all it opened.
public final class OpenFds {
    private OpenFds() {
    }

    /// The number of entries in `/proc/self/fd` (including the one used to list it).
    public static long count() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
