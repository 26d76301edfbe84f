package io.ev4j.examples.signal;

import io.ev4j.core.BackendKind;
import io.ev4j.examples.ExampleJvm;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// `signal-test` in a JVM of its own, sent two real `SIGINT`s.
@Timeout(60)
class SignalExampleTest {

    @ParameterizedTest
    @MethodSource("io.ev4j.examples.Backends#available")
    void theFirstSigintPrintsAndTheSecondExitsZero(BackendKind kind) throws Exception {
        Process p = ExampleJvm.start("signal-test", kind);
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            readUntil(out, lines, "ready: pid " + p.pid());
            ExampleJvm.interrupt(p);
            readUntil(out, lines, "SIGINT 1");
            assertTrue(p.isAlive(), "the first SIGINT does not end it");
            ExampleJvm.interrupt(p);
            readUntil(out, lines, "SIGINT 2");
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "exits after the second SIGINT");
            assertEquals(0, p.exitValue(), String.join("\n", lines));
            String rest = out.readLine();
            assertEquals(null, rest, "nothing after the last line");
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        assertEquals(3, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).endsWith("on " + kind.backendName() + "; press Ctrl-C twice"), lines.get(0));
        assertEquals("SIGINT 1: press Ctrl-C again to exit", lines.get(1));
        assertEquals("SIGINT 2: exiting", lines.get(2));
    }

    private static void readUntil(BufferedReader out, List<String> lines, String prefix) throws IOException {
        String line;
        while ((line = out.readLine()) != null) {
            lines.add(line);
            if (line.startsWith(prefix)) {
                return;
            }
        }
        throw new AssertionError("the program ended before printing '" + prefix + "':\n" + String.join("\n", lines));
    }
}
