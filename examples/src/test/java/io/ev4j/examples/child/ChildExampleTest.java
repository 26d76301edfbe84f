package io.ev4j.examples.child;

import io.ev4j.core.BackendKind;
import io.ev4j.examples.ExampleJvm;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// `child-test` in a JVM of its own: the status comes from the watcher, and the JDK still has it.
@Timeout(60)
class ChildExampleTest {

    @ParameterizedTest
    @MethodSource("io.ev4j.examples.Backends#available")
    void printsTheExitCodeAndTheJdkStillHasIt(BackendKind kind) throws Exception {
        Process p = ExampleJvm.start("child-test", kind, "sleep 0.2; exit 3");
        String out;
        try (var in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.matches("(?s)child \\d+ ended: ChildStatus\\[pid=\\d+, kind=EXITED, exitCode=3, terminatingSignal=0]\n"
                + "Process.waitFor\\(\\) still says 3\n"), out);
    }
}
