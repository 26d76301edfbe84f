package io.ev4j.examples;

import io.ev4j.core.BackendKind;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// Starts one example in a JVM of its own: this JVM's `java` and class path, native access
/// on, stdin from `/dev/null`, stderr merged into stdout.
public final class ExampleJvm {
    private ExampleJvm() {
    }

    public static Process start(String example, BackendKind kind, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "io.ev4j.examples.Main", example, "--backend", kind.backendName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true).start();
        p.getErrorStream().close();                 // merged, but a pipe the JDK closes only after the exit
        return p;
    }

    /// Sends `SIGINT` to `process` (the JDK can send only `SIGTERM` and `SIGKILL` itself), through
    /// the `kill` command.
    ///
    /// @throws IOException `kill` could not run or failed
    public static void interrupt(Process process) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start();
        int code = kill.waitFor();
        if (code != 0) {
            throw new IOException("kill -INT " + process.pid() + " exited " + code);
        }
    }

    /// Reads the example's next line into `lines` and matches it against `pattern`, failing
    /// with the line (or "no output") otherwise.
    public static Matcher expectLine(BufferedReader out, List<String> lines, Pattern pattern) throws IOException {
        String line = out.readLine();
        assertNotNull(line, "no output after " + lines);
        lines.add(line);
        Matcher m = pattern.matcher(line);
        assertTrue(m.matches(), line);
        return m;
    }

    /// Sends `SIGTERM` (the example's streams stay open, so its shutdown hook can print), reads
    /// the rest of its output into `lines` and waits at most 20 s for it to exit.
    public static void stopWithSigterm(Process process, BufferedReader out, List<String> lines)
            throws IOException, InterruptedException {
        process.toHandle().destroy();
        for (String line; (line = out.readLine()) != null; ) {
            lines.add(line);
        }
        assertTrue(process.waitFor(20, TimeUnit.SECONDS), "exits on SIGTERM");
    }
}
