package io.ev4j.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/// The load generator as a program, in its own JVM.
///
/// Alone: `java -cp ev4j-bench.jar io.ev4j.bench.load.LoadMain --port 34567 --shape 100x1x64
/// --warmup-ms 1000 --measure-ms 2000` prints one human line.
///
/// Driven (no `--port`): reads commands on stdin, one a line, for the comparison runner:
/// - `run <shape> <port> <warmupMs> <measureMs>`: connects to 127.0.0.1:port, warms up, prints
///   `mark start` and waits for a line (`go`), measures, prints `mark end` and waits again, then
///   prints `result <messages> <elapsedNs> <p50Ns> <p99Ns>` and closes the connections; on a
///   failure it prints `error <message>` instead;
/// - `quit` or the end of stdin: exits.
public final class LoadMain {
    private LoadMain() {
    }

    public static void main(String[] args) throws Exception {
        Integer port = null;
        Shape shape = Shape.parse("100x1x64");
        long warmupMs = 1000;
        long measureMs = 2000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--shape" -> shape = Shape.parse(args[++i]);
                case "--warmup-ms" -> warmupMs = Long.parseLong(args[++i]);
                case "--measure-ms" -> measureMs = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument '" + args[i]
                        + "'; usage: [--port N --shape CxPxS --warmup-ms MS --measure-ms MS]");
            }
        }
        if (port != null) {
            try (LoadGenerator load = LoadGenerator.connect(new InetSocketAddress("127.0.0.1", port), shape)) {
                LoadGenerator.Result r = load.run(warmupMs * 1_000_000, measureMs * 1_000_000, () -> { }, () -> { });
                System.out.printf("%s: %.0f msgs/s, p50 %.1f us, p99 %.1f us (%d messages)%n", shape.label(),
                        r.messagesPerSecond(), r.p50Ns() / 1e3, r.p99Ns() / 1e3, r.messages());
            }
            return;
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] w = line.trim().split("\\s+");
            if (w[0].equals("quit")) {
                return;
            }
            if (!w[0].equals("run") || w.length != 5) {
                System.out.println("error unknown command '" + line + "'");
                continue;
            }
            try (LoadGenerator load = LoadGenerator.connect(
                    new InetSocketAddress("127.0.0.1", Integer.parseInt(w[2])), Shape.parse(w[1]))) {
                LoadGenerator.Result r = load.run(Long.parseLong(w[3]) * 1_000_000, Long.parseLong(w[4]) * 1_000_000,
                        () -> mark(in, "start"), () -> mark(in, "end"));
                System.out.println("result " + r.messages() + " " + r.elapsedNs() + " " + r.p50Ns() + " " + r.p99Ns());
            } catch (IOException | RuntimeException e) {
                System.out.println("error " + e.toString().replace('\n', ' '));
            }
            System.out.flush();
        }
    }

    private static void mark(BufferedReader in, String what) {
        System.out.println("mark " + what);
        System.out.flush();
        try {
            if (in.readLine() == null) {
                throw new IOException("stdin closed during a run");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
