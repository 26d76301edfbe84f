package io.ev4j.bench.compare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/// Every figure of one comparison run: repeated values per key, summarised as median, min and
/// max, and written as CSV.
///
/// ```java
/// Results r = new Results();
/// r.add(new Results.Key("echo", "100x1x64B", "ev4j-epoll", "cpu_ns_per_msg", "ns"), 6_900);
/// double median = r.median(key);
/// ```
final class Results {
    /// What one list of values measures: `section` (echo, echo-ratio, idle-fds, timers, ...),
    /// the workload, who was measured, the metric and its unit.
    record Key(String section, String workload, String subject, String metric, String unit) {
    }

    private final Map<Key, List<Double>> values = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();

    void add(Key key, double value) {
        values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }

    void note(String text) {
        notes.add(text);
    }

    List<String> notes() {
        return notes;
    }

    List<Double> values(Key key) {
        return values.getOrDefault(key, List.of());
    }

    List<Key> keys() {
        return List.copyOf(values.keySet());
    }

    /// NaN when there is no value.
    double median(Key key) {
        return median(values(key));
    }

    static double median(List<Double> list) {
        if (list.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(list);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static double min(List<Double> list) {
        return list.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    static double max(List<Double> list) {
        return list.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /// `section,workload,subject,metric,unit,median,min,max,runs`, one row per key.
    void writeCsv(Path file) throws IOException {
        StringBuilder sb = new StringBuilder("section,workload,subject,metric,unit,median,min,max,runs\n");
        for (Map.Entry<Key, List<Double>> e : values.entrySet()) {
            Key k = e.getKey();
            List<Double> v = e.getValue();
            sb.append(String.join(",", k.section(), k.workload(), k.subject(), k.metric(), k.unit()))
                    .append(',').append(number(median(v)))
                    .append(',').append(number(min(v)))
                    .append(',').append(number(max(v)))
                    .append(',').append(v.size()).append('\n');
        }
        Files.writeString(file, sb, StandardCharsets.UTF_8);
    }

    /// Reads back what [#writeCsv] wrote, each row as the three values min, median, max (which
    /// keep its median, min and max), to redraw a chart without running again.
    static Results readCsv(Path file) throws IOException {
        Results r = new Results();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            if (f.length < 8 || f[5].isEmpty()) {
                continue;
            }
            Key k = new Key(f[0], f[1], f[2], f[3], f[4]);
            r.add(k, Double.parseDouble(f[6]));
            r.add(k, Double.parseDouble(f[5]));
            r.add(k, Double.parseDouble(f[7]));
        }
        return r;
    }

    static String number(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        double a = Math.abs(v);
        return String.format(Locale.ROOT, a >= 1000 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f", v);
    }
}
