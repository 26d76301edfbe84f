package io.ev4j.bench.compare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/// The run's ratios as a small standalone SVG, in panels with a scale each: server CPU per
/// message (ev4j over the peer, lower is better, with the 0.9 target), messages per second
/// (ev4j over the peer, higher is better; noisy on a shared machine), the same two for the
/// buffered echo over the raw-watcher one (with the 1.1 CPU bound and the 0.9 throughput
/// target), and timer speed-ups (the peer's ns per operation over ev4j's, higher is better). Each bar is the median, its whisker
/// min-max; values beyond a panel's scale are clipped and marked with their number.
///
/// ```java
/// SvgChart.write(results, Path.of("latest.svg"), "2026-12-03, 2 cores");
/// ```
final class SvgChart {
    private static final int LABEL_W = 300;
    private static final int PLOT_W = 480;
    private static final int BAR_H = 15;
    private static final int GAP = 5;

    private record Bar(String label, List<Double> values) {
    }

    private record Panel(String title, String colour, double scaleMax, double target, List<Bar> bars) {
    }

    private SvgChart() {
    }

    static void write(Results results, Path file, String subtitle) throws IOException {
        List<Panel> panels = new ArrayList<>();
        addPanel(panels, results, "Server CPU per message, ev4j / peer (lower is better; dashed: 0.9 target)",
                "#3a7bd5", 1.5, 0.9, k -> isRatio(k, "cpu_ns_per_msg", false));
        addPanel(panels, results, "Messages per second, ev4j / peer (higher is better; noisy, load-bound)",
                "#8cc63f", 3.0, Double.NaN, k -> isRatio(k, "msgs_per_s", false));
        addPanel(panels, results, "Server CPU per message, buffered / raw ev4j (lower is better; dashed: 1.1 bound)",
                "#6a5acd", 1.5, 1.1, k -> isRatio(k, "cpu_ns_per_msg", true));
        addPanel(panels, results, "Messages per second, buffered / raw ev4j (higher is better; dashed: 0.9 target)",
                "#2e8b57", 3.0, 0.9, k -> isRatio(k, "msgs_per_s", true));
        addPanel(panels, results, "Timers: peer ns/op / ev4j ns/op (higher is better; dashed: 3x target vs stpe)",
                "#f0a030", 6.0, 3.0, k -> k.section().equals(TimerRun.RATIO_SECTION));
        int height = 50;
        for (Panel p : panels) {
            height += 48 + p.bars().size() * (BAR_H + GAP);
        }
        int width = LABEL_W + PLOT_W + 190;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n", width, height));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append("<text x=\"10\" y=\"20\" font-size=\"15\" font-weight=\"bold\">ev4j against the peer, and "
                + "buffered against raw ev4j, as ratios (bar: median, whisker: min-max)</text>\n");
        s.append("<text x=\"10\" y=\"38\" fill=\"#555\">").append(escape(subtitle)).append("</text>\n");
        int y = 50;
        for (Panel p : panels) {
            y = panel(s, p, y + 20);
        }
        s.append("</svg>\n");
        Files.writeString(file, s, StandardCharsets.UTF_8);
    }

    private static void addPanel(List<Panel> panels, Results results, String title, String colour, double scaleMax,
                                 double target, Predicate<Results.Key> which) {
        List<Bar> bars = new ArrayList<>();
        for (Results.Key k : results.keys()) {
            if (which.test(k)) {
                bars.add(new Bar(label(k), results.values(k)));
            }
        }
        if (!bars.isEmpty()) {
            panels.add(new Panel(title, colour, scaleMax, target, bars));
        }
    }

    /// Draws one panel from `top`; returns the y below it.
    private static int panel(StringBuilder s, Panel p, int top) {
        double max = p.scaleMax();
        s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\" font-weight=\"bold\">%s</text>%n",
                top, escape(p.title())));
        int y = top + 8;
        int first = y;
        for (Bar b : p.bars()) {
            double med = Results.median(b.values());
            double lo = Results.min(b.values());
            double hi = Results.max(b.values());
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                    LABEL_W - 8, y + BAR_H - 3, escape(b.label())));
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n",
                    LABEL_W, y, x(med, max), BAR_H, p.colour()));
            if (b.values().size() > 1) {
                s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
                        LABEL_W + x(lo, max), LABEL_W + x(hi, max), y + BAR_H / 2, y + BAR_H / 2));
            }
            String text = Results.number(med) + "x" + (b.values().size() > 1
                    ? " [" + Results.number(lo) + "-" + Results.number(hi) + "]" : "");
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%s</text>%n",
                    LABEL_W + x(Math.max(med, hi), max) + 4, y + BAR_H - 3, text));
            y += BAR_H + GAP;
        }
        line(s, LABEL_W + x(1.0, max), first - 3, y, "#333", "");
        if (!Double.isNaN(p.target())) {
            line(s, LABEL_W + x(p.target(), max), first - 3, y, "#c00", " stroke-dasharray=\"4 3\"");
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">1.0</text>%n",
                LABEL_W + x(1.0, max), y + 10));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"#555\">%s</text>%n",
                LABEL_W + PLOT_W, y + 10, Results.number(max) + "x"));
        return y + 12;
    }

    /// Pixels for `ratio` on a scale to `max`, clipped to the plot.
    private static double x(double ratio, double max) {
        return Double.isNaN(ratio) ? 0 : Math.min(Math.max(0, ratio), max) / max * PLOT_W;
    }

    private static void line(StringBuilder s, double x, int y1, int y2, String colour, String extra) {
        s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"%s\"%s/>%n",
                x, x, y1, y2, colour, extra));
    }

    /// An echo ratio row of `metric`: the buffered server over the raw one, or ev4j over the peer.
    private static boolean isRatio(Results.Key k, String metric, boolean buffered) {
        return k.section().equals(EchoComparison.RATIO_SECTION) && k.metric().equals(metric)
                && k.subject().startsWith(EchoComparison.BUFFERED_PREFIX) == buffered;
    }

    private static String label(Results.Key k) {
        if (k.section().equals(TimerRun.RATIO_SECTION)) {
            return k.workload() + ": " + k.subject();
        }
        return k.workload() + "  " + k.subject().replace("netty-", "peer-");
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
