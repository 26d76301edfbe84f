package io.ev4j.bench.compare;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/// The terminal tables of a run: per section, one line per workload and subject, each
/// figure as `median [min-max]`.
///
/// ```java
/// System.out.print(Report.table(results));
/// ```
final class Report {
    private Report() {
    }

    static String table(Results results) {
        StringBuilder sb = new StringBuilder();
        Set<String> sections = new LinkedHashSet<>();
        for (Results.Key k : results.keys()) {
            sections.add(k.section());
        }
        for (String section : sections) {
            sb.append('\n').append("== ").append(section).append('\n');
            List<String> metrics = new ArrayList<>();
            Set<String> rows = new LinkedHashSet<>();
            for (Results.Key k : results.keys()) {
                if (k.section().equals(section)) {
                    String metric = k.metric() + " (" + k.unit() + ")";
                    if (!metrics.contains(metric)) {
                        metrics.add(metric);
                    }
                    rows.add(k.workload() + "\t" + k.subject());
                }
            }
            List<String[]> cells = new ArrayList<>();
            List<String> header = new ArrayList<>(List.of("workload", "subject"));
            header.addAll(metrics);
            cells.add(header.toArray(String[]::new));
            for (String row : rows) {
                String[] wr = row.split("\t");
                List<String> line = new ArrayList<>(List.of(wr[0], wr[1]));
                for (String metric : metrics) {
                    String m = metric.substring(0, metric.indexOf(" ("));
                    String unit = metric.substring(metric.indexOf(" (") + 2, metric.length() - 1);
                    line.add(cell(results.values(new Results.Key(section, wr[0], wr[1], m, unit))));
                }
                cells.add(line.toArray(String[]::new));
            }
            appendAligned(sb, cells);
        }
        if (!results.notes().isEmpty()) {
            sb.append("\n== notes\n");
            for (String note : results.notes()) {
                sb.append("- ").append(note).append('\n');
            }
        }
        return sb.toString();
    }

    private static String cell(List<Double> v) {
        if (v.isEmpty()) {
            return "-";
        }
        String median = Results.number(Results.median(v));
        if (v.size() == 1) {
            return median;
        }
        return median + " [" + Results.number(Results.min(v)) + "-" + Results.number(Results.max(v)) + "]";
    }

    private static void appendAligned(StringBuilder sb, List<String[]> cells) {
        int cols = cells.get(0).length;
        int[] width = new int[cols];
        for (String[] row : cells) {
            for (int c = 0; c < cols; c++) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        for (String[] row : cells) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < cols; c++) {
                line.append(String.format(Locale.ROOT, c < 2 ? "%-" + width[c] + "s" : "%" + width[c] + "s", row[c]));
                line.append(c + 1 < cols ? "  " : "");
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
    }
}
