package io.ev4j.bench.compare;

import io.ev4j.bench.load.Shape;

import java.util.List;

/// The echo part of the comparison: for each repeat and server, one server JVM (pinned to the
/// server CPU) and one load JVM (pinned to the load CPU) that run every shape in turn.
///
/// ```java
/// new EchoComparison(List.of("ev4j-epoll", "netty-epoll"), shapes, 3, 1000, 2000, 8, List.of()).run(results);
/// ```
///
/// Each server JVM is first warmed up for twice the warm-up time (at least 2 s) on two shapes
/// whose figures are not kept, then longer while its compiler is still busy, so that
/// compilation happens before any window. Per shape: the load warms up, then stops sending
/// and says so; the runner reads the server's CPU time (`/proc/<pid>/task/*/schedstat`, from outside) and asks it for its
/// allocated bytes; the load measures for the window; the runner reads both again. CPU and
/// bytes per message are the differences divided by the messages echoed in the window.
final class EchoComparison {
    static final String SECTION = "echo";
    static final String RATIO_SECTION = "echo-ratio";
    /// How the buffered servers' names start; their ratios are over the raw ev4j server.
    static final String BUFFERED_PREFIX = "ev4j-buffered-";
    /// The same heap and compiler settings for every server; compiler threads stay, so that
    /// none ends inside a window and takes its CPU time out of the sum.
    private static final List<String> SERVER_JVM = List.of("-Xms256m", "-Xmx256m",
            "-XX:-UseDynamicNumberOfCompilerThreads");
    private static final List<String> LOAD_JVM = List.of("-Xms256m", "-Xmx256m");

    private final List<String> impls;
    /// [#SERVER_JVM] plus what the caller added (diagnostic flags, say).
    private final List<String> serverJvm;
    private final List<Shape> shapes;
    private final int repeats;
    private final long warmupMs;
    private final long measureMs;
    private final long prewarmMs;
    /// At most this many extra warm-up seconds per server JVM (see [#prewarm]).
    private final int settleRounds;
    private static final double SETTLE_SHARE = 0.05;

    EchoComparison(List<String> impls, List<Shape> shapes, int repeats, long warmupMs, long measureMs, int settleRounds,
                   List<String> extraServerJvmArgs) {
        this.impls = impls;
        this.serverJvm = java.util.stream.Stream.concat(SERVER_JVM.stream(), extraServerJvmArgs.stream()).toList();
        this.shapes = shapes;
        this.repeats = repeats;
        this.warmupMs = warmupMs;
        this.measureMs = measureMs;
        this.prewarmMs = Math.max(2000, 2 * warmupMs);
        this.settleRounds = settleRounds;
    }

    void run(Results out) throws InterruptedException {
        for (int rep = 1; rep <= repeats; rep++) {
            for (String impl : impls) {
                System.out.printf("echo: %s, repeat %d of %d%n", impl, rep, repeats);
                try {
                    runServer(impl, out);
                } catch (RuntimeException | java.io.IOException e) {
                    String msg = "echo " + impl + " repeat " + rep + " failed: " + e.getMessage();
                    System.out.println("  " + msg);
                    out.note(msg);
                }
            }
        }
        addRatios(out, "ev4j-epoll", "netty-epoll");
        addRatios(out, "ev4j-nio", "netty-nio");
        for (String backend : List.of("epoll", "poll", "nio")) {
            addRatios(out, BUFFERED_PREFIX + backend, "ev4j-" + backend);   // what the buffered layer costs
        }
    }

    private void runServer(String impl, Results out) throws InterruptedException, java.io.IOException {
        try (Child server = Child.start(impl, Child.java(Pinning.SERVER_CPU, serverJvm,
                "io.ev4j.bench.echo.EchoServerMain", "--impl", impl, "--port", "0"));
             Child load = Child.start("load", Child.java(Pinning.LOAD_CPU, LOAD_JVM, "io.ev4j.bench.load.LoadMain"))) {
            int port = Integer.parseInt(server.expect("listening", 30_000).split(" ")[1]);
            stats(server);                                // the first answer loads classes; not in any window
            prewarm(server, load, port);
            for (Shape shape : shapes) {
                load.send("run " + shape.spec() + " " + port + " " + warmupMs + " " + measureMs);
                load.expect("mark start", warmupMs + 60_000);
                long[] before = stats(server);             // allocation first, then CPU: the answer's cost stays out
                long cpuBefore = server.cpuNs();
                long[] splitBefore = server.userSystemNs();
                long loadCpuBefore = load.cpuNs();
                load.send("go");
                load.expect("mark end", measureMs + 60_000);
                long cpuAfter = server.cpuNs();
                long[] splitAfter = server.userSystemNs();
                long loadCpuAfter = load.cpuNs();
                long[] after = stats(server);
                load.send("go");
                String[] r = load.expect("result", 60_000).split(" ");
                long messages = Long.parseLong(r[1]);
                double seconds = Long.parseLong(r[2]) / 1e9;
                if (messages == 0) {
                    throw new IllegalStateException(shape.label() + ": no message came back in the window");
                }
                String w = shape.label();
                out.add(key(w, impl, "msgs_per_s", "1/s"), messages / seconds);
                out.add(key(w, impl, "p50_us", "us"), Long.parseLong(r[3]) / 1e3);
                out.add(key(w, impl, "p99_us", "us"), Long.parseLong(r[4]) / 1e3);
                out.add(key(w, impl, "cpu_ns_per_msg", "ns"), (double) (cpuAfter - cpuBefore) / messages);
                out.add(key(w, impl, "loop_cpu_ns_per_msg", "ns"), (double) (after[1] - before[1]) / messages);
                out.add(key(w, impl, "alloc_b_per_msg", "B"), (double) (after[0] - before[0]) / messages);
                out.add(key(w, impl, "user_ns_per_msg", "ns"), (double) (splitAfter[0] - splitBefore[0]) / messages);
                out.add(key(w, impl, "sys_ns_per_msg", "ns"), (double) (splitAfter[1] - splitBefore[1]) / messages);
                out.add(key(w, impl, "server_busy", "%"), 100.0 * (cpuAfter - cpuBefore) / Long.parseLong(r[2]));
                out.add(key(w, impl, "load_cpu_ns_per_msg", "ns"), (double) (loadCpuAfter - loadCpuBefore) / messages);
                System.out.printf("  %-12s %9.0f msgs/s  p50 %8.1f us  p99 %8.1f us  cpu %7.0f ns/msg  alloc %6.2f B/msg"
                                + "  load cpu %7.0f ns/msg%n",
                        w, messages / seconds, Long.parseLong(r[3]) / 1e3, Long.parseLong(r[4]) / 1e3,
                        (double) (cpuAfter - cpuBefore) / messages, (double) (after[0] - before[0]) / messages,
                        (double) (loadCpuAfter - loadCpuBefore) / messages);
            }
        }
    }

    /// Runs the pipelined shape (many messages per second, so the JIT sees the echo path soon)
    /// and then one message per connection on the server before any shape is measured, and
    /// throws the figures away: without it the first shape pays for the server's compilation.
    /// Then, up to `settleRounds` times, one more second of the pipelined shape while the
    /// server's threads other than the loop (the compiler, mostly) still used more than
    /// [#SETTLE_SHARE] of its CPU time: on a busy machine compilation can take that long.
    private void prewarm(Child server, Child load, int port) throws InterruptedException, java.io.IOException {
        for (String spec : List.of("10x16x512", "100x1x64")) {
            warmRound(load, spec, port, prewarmMs / 2);
        }
        for (int round = 0; round < settleRounds; round++) {
            long cpu0 = server.cpuNs();
            long loop0 = stats(server)[1];
            warmRound(load, "10x16x512", port, 1000);
            long cpu = server.cpuNs() - cpu0;
            long loop = stats(server)[1] - loop0;
            if (cpu - loop <= SETTLE_SHARE * cpu) {
                return;
            }
            System.out.printf("  (other threads still used %.0f %% of the server's CPU; warming up one more second)%n",
                    100.0 * (cpu - loop) / cpu);
        }
    }

    private static void warmRound(Child load, String spec, int port, long ms) throws InterruptedException {
        load.send("run " + spec + " " + port + " " + ms + " 1");
        load.expect("mark start", ms + 60_000);
        load.send("go");
        load.expect("mark end", 60_000);
        load.send("go");
        load.expect("result", 60_000);
    }

    /// `[allocatedBytes, loopThreadCpuNs]` from the server.
    private static long[] stats(Child server) throws InterruptedException {
        server.send("stats");
        String[] s = server.expect("stats", 10_000).split(" ");
        return new long[] {Long.parseLong(s[1]), Long.parseLong(s[2])};
    }

    static Results.Key key(String workload, String impl, String metric, String unit) {
        return new Results.Key(SECTION, workload, impl, metric, unit);
    }

    /// `ours/peer` per repeat (same repeat index), for CPU per message and messages per second;
    /// `peer` is the other library's server, or the raw ev4j server under a buffered one.
    private void addRatios(Results out, String ours, String peer) {
        if (!impls.contains(ours) || !impls.contains(peer)) {
            return;
        }
        for (Shape shape : shapes) {
            String w = shape.label();
            for (String metric : List.of("cpu_ns_per_msg", "loop_cpu_ns_per_msg", "msgs_per_s", "p99_us")) {
                List<Double> a = out.values(key(w, ours, metric, unit(metric)));
                List<Double> b = out.values(key(w, peer, metric, unit(metric)));
                for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
                    out.add(new Results.Key(RATIO_SECTION, w, ours + "/" + peer, metric, "x"), a.get(i) / b.get(i));
                }
            }
        }
    }

    private static String unit(String metric) {
        return switch (metric) {
            case "cpu_ns_per_msg", "loop_cpu_ns_per_msg" -> "ns";
            case "msgs_per_s" -> "1/s";
            default -> "us";
        };
    }
}
