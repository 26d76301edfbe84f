package io.ev4j.bench.compare;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/// A JVM (or other program) the runner started, spoken to in lines: commands on its stdin,
/// answers read from its stdout with a deadline, stderr passed through to ours.
///
/// ```java
/// try (Child server = Child.start("server", Child.java(0, "io.ev4j.bench.echo.EchoServerMain", "--impl", "ev4j-epoll"))) {
///     String listening = server.expect("listening", 20_000);
/// }
/// ```
final class Child implements AutoCloseable {
    /// Marks the end of stdout in the queue of lines.
    private static final String EOF = new String("<eof>");

    private final String name;
    private final Process process;
    private final PrintWriter stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private Child(String name, Process process) {
        this.name = name;
        this.process = process;
        this.stdin = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        Thread pump = new Thread(this::pump, name + "-stdout");
        pump.setDaemon(true);
        pump.start();
    }

    /// Starts `command`; `name` appears in errors.
    static Child start(String name, List<String> command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        return new Child(name, pb.start());
    }

    /// The JDK's `java` that runs this runner (JDK 25), with native access granted.
    static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /// `[taskset -c cpu] java <jvmArgs> -cp <our class path> mainClass args...`; cpu < 0: no pinning.
    static List<String> java(int cpu, List<String> jvmArgs, String mainClass, String... args) {
        List<String> cmd = new ArrayList<>(pin(cpu));
        cmd.add(javaBinary());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return cmd;
    }

    /// `taskset -c cpu` when pinning is possible and asked for (cpu >= 0), else nothing.
    static List<String> pin(int cpu) {
        return cpu >= 0 && Pinning.enabled() ? List.of("taskset", "-c", Integer.toString(cpu)) : List.of();
    }

    long pid() {
        return process.pid();
    }

    void send(String line) {
        stdin.println(line);
        if (stdin.checkError()) {
            throw new IllegalStateException(name + " no longer reads its stdin (exited with "
                    + (process.isAlive() ? "?" : process.exitValue()) + ")");
        }
    }

    /// The next stdout line that starts with `prefix`, skipping others (printed); fails on an
    /// `error ...` line, the end of its output, or `timeoutMs`.
    String expect(String prefix, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new IllegalStateException(name + " gave no '" + prefix + "' line within " + timeoutMs + " ms");
            }
            if (line == EOF) {
                throw new IllegalStateException(name + " ended before a '" + prefix + "' line");
            }
            if (line.startsWith(prefix)) {
                return line;
            }
            if (line.startsWith("error")) {
                throw new IllegalStateException(name + " reported: " + line);
            }
            System.out.println("  [" + name + "] " + line);
        }
    }

    /// Every line of output until the program ends (or `timeoutMs`), then its exit code.
    List<String> readAll(long timeoutMs) throws InterruptedException {
        List<String> all = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new IllegalStateException(name + " did not finish within " + timeoutMs + " ms");
            }
            if (line == EOF) {
                return all;
            }
            all.add(line);
        }
    }

    int waitFor(long timeoutMs) throws InterruptedException {
        if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(name + " did not exit within " + timeoutMs + " ms");
        }
        return process.exitValue();
    }

    /// CPU time of every live thread of the child, in ns, from `/proc/<pid>/task/*/schedstat`
    /// (the scheduler's own count, ns resolution), read from outside so it costs the child nothing.
    long cpuNs() throws IOException {
        return sumOverThreads("schedstat", s -> new long[] {Long.parseLong(s.substring(0, s.indexOf(' ')))})[0];
    }

    /// `[user, system]` CPU time of every live thread of the child, in ns, from the tick counts
    /// of `/proc/<pid>/task/*/stat` (fields 14 and 15; 10 ms resolution at the usual 100 Hz), to
    /// tell the program's own work from the kernel's.
    long[] userSystemNs() throws IOException {
        long[] ticks = sumOverThreads("stat", s -> {
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");     // f[0] is field 3
            return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
        });
        return new long[] {ticks[0] * NS_PER_TICK, ticks[1] * NS_PER_TICK};
    }

    /// Sums what `parse` makes of `/proc/<pid>/task/<tid>/<file>` over the child's threads.
    private long[] sumOverThreads(String file, java.util.function.Function<String, long[]> parse) throws IOException {
        long[] total = null;
        Path tasks = Path.of("/proc", Long.toString(process.pid()), "task");
        try (var dir = Files.newDirectoryStream(tasks)) {
            for (Path task : dir) {
                long[] v;
                try {
                    v = parse.apply(Files.readString(task.resolve(file)));
                } catch (IOException gone) {
                    continue;                       // that thread ended between the listing and the read
                }
                if (total == null) {
                    total = new long[v.length];
                }
                for (int i = 0; i < v.length; i++) {
                    total[i] += v[i];
                }
            }
        }
        return total != null ? total : new long[2];
    }

    /// Nanoseconds per clock tick of `/proc/.../stat` (USER_HZ is 100 on Linux).
    private static final long NS_PER_TICK = 10_000_000L;

    /// Asks it to quit, then ends it if it does not within a few seconds. Never throws.
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                stdin.println("quit");
                stdin.close();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void pump() {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                lines.add(line);
            }
        } catch (IOException ignored) {
            // the child went away; EOF below says so
        }
        lines.add(EOF);
    }
}
