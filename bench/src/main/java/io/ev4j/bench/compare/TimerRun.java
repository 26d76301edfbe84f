package io.ev4j.bench.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/// The timer part: the JMH `TimerComparisonBenchmark` (ev4j's timers, the JDK's scheduled
/// executor, the peer's hashed wheel, each against 100,000 background timers) with short
/// settings, in a child JVM pinned to the server CPU, its CSV read back into the results.
///
/// ```java
/// new TimerRun(false, dir).run(results);
/// ```
///
/// Median, min and max of a timer figure are over JMH's measured iterations. The ratios are
/// the peer's ns per operation divided by ev4j's, iteration by iteration: how many times faster
/// ev4j is (the target for start+stop against the scheduled executor: >= 3).
final class TimerRun {
    static final String SECTION = "timers";
    static final String RATIO_SECTION = "timer-ratio";

    private final boolean quick;
    private final Path dir;

    TimerRun(boolean quick, Path dir) {
        this.quick = quick;
        this.dir = dir;
    }

    void run(Results out) throws IOException, InterruptedException {
        Path csv = dir.resolve("timers-jmh.csv");
        String pattern = quick ? "TimerComparisonBenchmark.startCancel" : "TimerComparisonBenchmark";
        List<String> jmh = List.of(pattern, "-f", "1", "-wi", quick ? "1" : "2", "-w", "500ms",
                "-i", quick ? "3" : "5", "-r", quick ? "300ms" : "400ms", "-rf", "csv", "-rff", csv.toString());
        System.out.println("timers: JMH " + String.join(" ", jmh));
        List<String> output;
        try (Child child = Child.start("jmh", Child.java(Pinning.SERVER_CPU, List.of(), "org.openjdk.jmh.Main",
                jmh.toArray(String[]::new)))) {
            output = child.readAll(300_000);
            int exit = child.waitFor(30_000);
            if (exit != 0) {
                out.note("timers: JMH exited with " + exit + "; last lines: "
                        + String.join(" | ", output.subList(Math.max(0, output.size() - 5), output.size())));
                return;
            }
        }
        Files.write(dir.resolve("timers-jmh.txt"), output);
        parse(output, out);
    }

    /// Reads JMH's own lines: `# Benchmark: ...TimerComparisonBenchmark.restart_ev4j` starts a
    /// benchmark, each measured `Iteration   N: 41.2 ns/op` is one value of it.
    static void parse(List<String> lines, Results out) {
        String workload = null;
        String subject = null;
        Map<String, Map<String, List<Double>>> byWorkload = new LinkedHashMap<>();
        for (String line : lines) {
            if (line.startsWith("# Benchmark: ")) {
                String name = line.substring(line.lastIndexOf('.') + 1).trim();     // startCancel_ev4j
                workload = name.substring(0, name.indexOf('_'));
                subject = name.substring(name.indexOf('_') + 1);
            } else if (line.startsWith("Iteration") && workload != null && line.endsWith("ns/op")) {
                String value = line.substring(line.indexOf(':') + 1, line.length() - "ns/op".length()).trim();
                double ns = Double.parseDouble(value.replace(",", ""));
                out.add(new Results.Key(SECTION, workload, subject, "ns_per_op", "ns"), ns);
                byWorkload.computeIfAbsent(workload, w -> new LinkedHashMap<>())
                        .computeIfAbsent(subject, x -> new ArrayList<>()).add(ns);
            }
        }
        for (Map.Entry<String, Map<String, List<Double>>> w : byWorkload.entrySet()) {
            List<Double> ours = w.getValue().get("ev4j");
            if (ours == null) {
                continue;
            }
            for (Map.Entry<String, List<Double>> peer : w.getValue().entrySet()) {
                if (!peer.getKey().equals("ev4j")) {
                    List<Double> theirs = peer.getValue();
                    for (int i = 0; i < Math.min(ours.size(), theirs.size()); i++) {
                        out.add(new Results.Key(RATIO_SECTION, w.getKey(), peer.getKey() + "/ev4j", "speedup", "x"),
                                theirs.get(i) / ours.get(i));
                    }
                }
            }
        }
    }
}
