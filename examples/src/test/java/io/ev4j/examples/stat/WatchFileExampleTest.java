package io.ev4j.examples.stat;

import io.ev4j.core.BackendKind;
import io.ev4j.examples.ExampleJvm;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/// `watch-file` in a JVM of its own, watching a file in a temp dir that is created, grown and
/// deleted; each step waits for the line the last one printed.
@Timeout(60)
class WatchFileExampleTest {

    @ParameterizedTest
    @MethodSource("io.ev4j.examples.Backends#available")
    void printsCreationChangeAndDeletion(BackendKind kind, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("watched.txt");
        Process p = ExampleJvm.start("watch-file", kind, file.toString());
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String first = readUntil(out, lines, "watching ");
            assertTrue(first.endsWith("on " + kind.backendName() + ": does not exist"), first);
            Path next = Files.writeString(dir.resolve("next.txt"), "hello");     // appears whole
            Files.move(next, file, StandardCopyOption.ATOMIC_MOVE);
            String created = readUntil(out, lines, "created: ");
            assertTrue(created.startsWith("created: size=5 mode=100"), created);
            Files.writeString(file, " world", StandardOpenOption.APPEND);
            String changed = readUntil(out, lines, "changed: ");
            assertTrue(changed.startsWith("changed: size 5 -> 11"), changed);
            Files.delete(file);
            readUntil(out, lines, "deleted");
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String readUntil(BufferedReader out, List<String> lines, String prefix) throws IOException {
        String line;
        while ((line = out.readLine()) != null) {
            lines.add(line);
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        throw new AssertionError("the program ended before printing '" + prefix + "':\n" + String.join("\n", lines));
    }
}
