package io.ev4j.examples.fifo;

import io.ev4j.core.BackendKind;
import io.ev4j.examples.ExampleJvm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// `event-read-fifo <path> --once` in a JVM of its own: what a writer writes is printed, the
/// writer's close ends it, and the FIFO is removed.
@Timeout(60)
class EventReadFifoTest {
    @TempDir
    Path dir;

    static Stream<BackendKind> fdBackends() {
        return Arrays.stream(BackendKind.values()).filter(BackendKind::isAvailable)
                .filter(k -> k != BackendKind.NIO);
    }

    @ParameterizedTest
    @MethodSource("fdBackends")
    void printsWhatIsWrittenAndEndsWithTheWriter(BackendKind kind) throws Exception {
        Path fifo = dir.resolve("events");
        Process p = ExampleJvm.start("event-read-fifo", kind, fifo.toString(), "--once");
        StringBuilder out = new StringBuilder();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String first = in.readLine();                      // the FIFO is open for reading from here on
            assertEquals("reading " + fifo + " on " + kind.backendName(), first);
            try (OutputStream writer = Files.newOutputStream(fifo)) {
                writer.write("first line\n".getBytes(StandardCharsets.UTF_8));
                writer.flush();
                writer.write("second line\n".getBytes(StandardCharsets.UTF_8));
            }
            for (String line; (line = in.readLine()) != null; ) {
                out.append(line).append('\n');
            }
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out.toString());
        String text = out.toString().replaceAll("read \\d+ bytes: ", "");
        assertEquals("first line\nsecond line\nend of stream: done\n", text);
        assertFalse(Files.exists(fifo), "the FIFO is removed at the end");
    }

    @Test
    void refusesTheNioBackendWithAReason() throws Exception {
        Process p = ExampleJvm.start("event-read-fifo", BackendKind.NIO, dir.resolve("x").toString());
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue());
        assertTrue(out.contains("cannot watch a FIFO"), out);
    }
}
