package io.ev4j.bench.compare;

import java.nio.file.Files;
import java.nio.file.Path;

/// Whether children are pinned to cores: servers on CPU 0, the load on CPU 1, with `taskset`,
/// when this machine has two or more cores and `taskset` is on the path.
///
/// ```java
/// if (Pinning.enabled()) { ... }    // Pinning.describe() says which and why
/// ```
final class Pinning {
    static final int SERVER_CPU = 0;
    static final int LOAD_CPU = 1;
    private static volatile Boolean disabledByUser = false;

    private Pinning() {
    }

    static void disable() {
        disabledByUser = true;
    }

    static boolean enabled() {
        return !disabledByUser && cores() >= 2 && tasksetPath() != null;
    }

    static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    static String describe() {
        if (disabledByUser) {
            return "off (--no-pin)";
        }
        if (cores() < 2) {
            return "off (" + cores() + " core)";
        }
        if (tasksetPath() == null) {
            return "off (no taskset on the PATH)";
        }
        return "server on CPU " + SERVER_CPU + ", load on CPU " + LOAD_CPU + " (taskset)";
    }

    private static Path tasksetPath() {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "taskset");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
