package io.ev4j.bench.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/// The timer part: the JMH `TimerComparisonBenchmark` (ev4j's timers, the JDK's scheduled
/// executor, the peer's hashed wheel, each against 100,000 background timers) with short
/// settings, in a child JVM pinned to the server CPU, its CSV read back into the results.
///
/// ```java
/// new TimerRun(false, dir).run(results);
/// ```
///
/// `min`/`max` of a timer figure are JMH's 99.9 % confidence bounds (score -/+ error), not
/// separate runs. The ratios are the peer's ns per operation divided by ev4j's: how many
/// times faster ev4j is (the target for start+stop against the scheduled executor: >= 3).
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
                "-i", quick ? "2" : "3", "-r", "500ms", "-rf", "csv", "-rff", csv.toString());
        System.out.println("timers: JMH " + String.join(" ", jmh));
        try (Child child = Child.start("jmh", Child.java(Pinning.SERVER_CPU, List.of(), "org.openjdk.jmh.Main",
                jmh.toArray(String[]::new)))) {
            List<String> output = child.readAll(300_000);
            int exit = child.waitFor(30_000);
            if (exit != 0 || !Files.exists(csv)) {
                out.note("timers: JMH exited with " + exit + "; last lines: "
                        + String.join(" | ", output.subList(Math.max(0, output.size() - 5), output.size())));
                return;
            }
        }
        parse(Files.readAllLines(csv), out);
    }

    static void parse(List<String> lines, Results out) {
        List<String[]> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.replace("\"", "").split(",");
            String name = f[0].substring(f[0].lastIndexOf('.') + 1);          // startCancel_ev4j
            String workload = name.substring(0, name.indexOf('_'));
            String subject = name.substring(name.indexOf('_') + 1);
            double score = Double.parseDouble(f[4]);
            double error = f[5].equals("NaN") ? 0 : Double.parseDouble(f[5]);
            Results.Key key = new Results.Key(SECTION, workload, subject, "ns_per_op", "ns");
            out.add(key, score - error);
            out.add(key, score);
            out.add(key, score + error);
            rows.add(new String[] {workload, subject, Double.toString(score)});
        }
        for (String[] peer : rows) {
            for (String[] ours : rows) {
                if (ours[0].equals(peer[0]) && ours[1].equals("ev4j") && !peer[1].equals("ev4j")) {
                    out.add(new Results.Key(RATIO_SECTION, peer[0], peer[1] + "/ev4j", "speedup", "x"),
                            Double.parseDouble(peer[2]) / Double.parseDouble(ours[2]));
                }
            }
        }
    }
}
