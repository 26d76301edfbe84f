package io.ev4j.bench.compare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/// A bar chart of the run's ratios as a small standalone SVG: per workload, ev4j's figure
/// divided by the peer's (CPU per message: lower is better; messages per second: higher is
/// better; timers: the peer's ns per operation divided by ev4j's, higher is better), with the
/// median as the bar and min-max as a whisker, a line at 1.0 and the 0.9 CPU target.
///
/// ```java
/// SvgChart.write(results, Path.of("latest.svg"), "2026-12-03, 2 cores");
/// ```
final class SvgChart {
    private static final int LABEL_W = 330;
    private static final int PLOT_W = 480;
    private static final int BAR_H = 16;
    private static final int GAP = 6;

    private record Bar(String label, List<Double> values, String colour) {
    }

    private SvgChart() {
    }

    static void write(Results results, Path file, String subtitle) throws IOException {
        List<Bar> bars = new ArrayList<>();
        List<Integer> groupStarts = new ArrayList<>();
        String lastGroup = null;
        for (Results.Key k : results.keys()) {
            String colour = colour(k);
            if (colour == null) {
                continue;
            }
            String group = k.section() + k.workload();
            if (!group.equals(lastGroup)) {
                groupStarts.add(bars.size());
                lastGroup = group;
            }
            bars.add(new Bar(label(k), results.values(k), colour));
        }
        double max = 1.5;
        for (Bar b : bars) {
            max = Math.max(max, Results.max(b.values()));
        }
        max = Math.ceil(max * 2) / 2;
        int top = 56;
        int height = top + bars.size() * (BAR_H + GAP) + groupStarts.size() * 8 + 40;
        int width = LABEL_W + PLOT_W + 70;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n", width, height));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append("<text x=\"10\" y=\"20\" font-size=\"15\" font-weight=\"bold\">ev4j against the peer, as ratios "
                + "(median, whisker min-max)</text>\n");
        s.append("<text x=\"10\" y=\"38\" fill=\"#555\">").append(escape(subtitle)).append("</text>\n");
        int y = top;
        int bar = 0;
        for (int g = 0; g < groupStarts.size(); g++) {
            int end = g + 1 < groupStarts.size() ? groupStarts.get(g + 1) : bars.size();
            for (; bar < end; bar++) {
                Bar b = bars.get(bar);
                double med = Results.median(b.values());
                s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                        LABEL_W - 8, y + BAR_H - 4, escape(b.label())));
                s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n",
                        LABEL_W, y, x(med, max), BAR_H, b.colour()));
                if (b.values().size() > 1) {
                    s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
                            LABEL_W + x(Results.min(b.values()), max), LABEL_W + x(Results.max(b.values()), max),
                            y + BAR_H / 2, y + BAR_H / 2));
                }
                s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%s</text>%n",
                        LABEL_W + x(Math.max(med, Results.max(b.values())), max) + 4, y + BAR_H - 4,
                        Results.number(med) + "x"));
                y += BAR_H + GAP;
            }
            y += 8;
        }
        line(s, LABEL_W + x(1.0, max), top - 4, y, "#333", "");
        line(s, LABEL_W + x(0.9, max), top - 4, y, "#c00", " stroke-dasharray=\"4 3\"");
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">1.0</text>%n",
                LABEL_W + x(1.0, max), y + 14));
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"end\" fill=\"#c00\">0.9 CPU target</text>%n",
                LABEL_W + x(0.9, max) - 4, y + 14));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                LABEL_W + PLOT_W, y + 14, Results.number(max) + "x"));
        s.append("</svg>\n");
        Files.writeString(file, s, StandardCharsets.UTF_8);
    }

    private static double x(double ratio, double max) {
        return Double.isNaN(ratio) ? 0 : Math.max(0, ratio) / max * PLOT_W;
    }

    private static void line(StringBuilder s, double x, int y1, int y2, String colour, String extra) {
        s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"%s\"%s/>%n",
                x, x, y1, y2, colour, extra));
    }

    /// Which keys become bars, and in which colour; null: not charted.
    private static String colour(Results.Key k) {
        if (k.section().equals(EchoComparison.RATIO_SECTION)) {
            return switch (k.metric()) {
                case "cpu_ns_per_msg" -> "#3a7bd5";
                case "msgs_per_s" -> "#8cc63f";
                default -> null;
            };
        }
        if (k.section().equals(TimerRun.RATIO_SECTION)) {
            return "#f0a030";
        }
        return null;
    }

    private static String label(Results.Key k) {
        if (k.section().equals(TimerRun.RATIO_SECTION)) {
            return "timers " + k.workload() + ": " + k.subject() + " speed-up";
        }
        String what = k.metric().equals("cpu_ns_per_msg") ? "CPU/msg" : "msgs/s";
        return k.workload() + " " + what + " " + k.subject();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
