package io.ev4j.examples;

import io.ev4j.core.BackendKind;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

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
        return new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true).start();
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
}
