package io.ev4j.examples.stat;

import io.ev4j.core.Loop;
import io.ev4j.core.PathStat;
import io.ev4j.core.StatWatcher;
import io.ev4j.examples.Example;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/// Prints the old and new attributes of a path whenever they change, from a [StatWatcher]
/// callback: creation, deletion, size, mode and time changes. Runs until killed.
///
/// ```sh
/// java -jar ev4j-examples.jar watch-file /tmp/some-file
/// ```
public final class WatchFile {
    private WatchFile() {
    }

    public static int run(Example example) {
        if (example.args().size() != 1) {
            System.err.println("usage: watch-file <path>");
            return 2;
        }
        Path path = Path.of(example.args().getFirst());
        try (Loop loop = example.newLoop()) {
            StatWatcher w = new StatWatcher(loop, (x, events) -> System.out.println(describe(x.previousAttributes(), x.attributes())));
            w.start(path, Duration.ofMillis(200));
            PathStat now = w.attributes();
            System.out.println("watching " + path + " on " + loop.backendName() + ": "
                    + (now.exists() ? "exists, " + attributes(now) : "does not exist"));
            loop.run();
        }
        return 0;
    }

    static String describe(PathStat was, PathStat now) {
        if (!now.exists()) {
            return "deleted";
        }
        if (!was.exists()) {
            return "created: " + attributes(now);
        }
        StringBuilder s = new StringBuilder("changed:");
        if (was.inode() != now.inode()) {
            s.append(" inode ").append(was.inode()).append(" -> ").append(now.inode()).append(',');
        }
        if (was.sizeBytes() != now.sizeBytes()) {
            s.append(" size ").append(was.sizeBytes()).append(" -> ").append(now.sizeBytes()).append(',');
        }
        if (was.mode() != now.mode()) {
            s.append(" mode ").append(Integer.toOctalString(was.mode())).append(" -> ")
                    .append(Integer.toOctalString(now.mode())).append(',');
        }
        if (was.modifiedNs() != now.modifiedNs()) {
            s.append(" mtime ").append(time(was.modifiedNs())).append(" -> ").append(time(now.modifiedNs())).append(',');
        }
        if (s.charAt(s.length() - 1) == ',') {
            s.setLength(s.length() - 1);
        } else {
            s.append(" times or links only");
        }
        return s.toString();
    }

    private static String attributes(PathStat s) {
        return (s.isDirectory() ? "directory" : "size=" + s.sizeBytes()) + " mode=" + Integer.toOctalString(s.mode())
                + " mtime=" + time(s.modifiedNs());
    }

    private static Instant time(long epochNs) {
        return Instant.ofEpochSecond(0, epochNs);
    }
}
