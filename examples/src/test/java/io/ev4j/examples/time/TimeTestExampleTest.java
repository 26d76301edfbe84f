package io.ev4j.examples.time;

import io.ev4j.core.BackendKind;
import io.ev4j.examples.ExampleJvm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// `time-test 2` in a JVM of its own: two ticks, tick n no sooner than n seconds in, exit 0.
@Timeout(60)
class TimeTestExampleTest {
    private static final Pattern TICK =
            Pattern.compile("tick (\\d) at \\d+: (\\d+\\.\\d{3}) seconds elapsed");

    @ParameterizedTest
    @MethodSource("io.ev4j.examples.Backends#available")
    void printsTwoTicksAndExits(BackendKind kind) throws Exception {
        Process p = ExampleJvm.start("time-test", kind, "2");
        String out;
        try (var in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        String[] lines = out.split("\n");
        assertEquals(2, lines.length, out);
        for (int i = 0; i < 2; i++) {
            Matcher m = TICK.matcher(lines[i]);
            assertTrue(m.matches(), lines[i]);
            assertEquals(String.valueOf(i + 1), m.group(1));
            assertTrue(Double.parseDouble(m.group(2)) >= i + 1, "a tick came early: " + lines[i]);
        }
    }

    @Test
    void refusesANegativeCount() throws Exception {
        Process p = ExampleJvm.start("time-test", BackendKind.NIO, "-1");
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue());
    }
}
