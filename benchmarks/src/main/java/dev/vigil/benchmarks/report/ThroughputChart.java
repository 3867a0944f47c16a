package dev.vigil.benchmarks.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Draws throughput by number of connections as an SVG, by hand: one panel per payload and window, one line per
 * implementation, connections evenly spaced on the x axis (they grow by powers of two and more).
 */
final class ThroughputChart {
    private static final int PANEL_W = 420;
    private static final int PANEL_H = 260;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int BOTTOM = 45;
    private static final int LEGEND = 40;
    private static final Map<String, String> COLORS = Map.of("vigil", "#1f77b4", "netty", "#ff7f0e",
            "socket", "#7f7f7f");

    /**
     * One panel's data.
     *
     * @param title  the panel's title
     * @param series impl to (connections to messages per second)
     */
    record Panel(String title, Map<String, Map<Integer, Double>> series) {
    }

    private ThroughputChart() {
    }

    static String svg(List<Panel> panels, List<String> impls) {
        int cols = Math.min(2, Math.max(1, panels.size()));
        int rows = (panels.size() + cols - 1) / cols;
        int width = cols * PANEL_W;
        int height = LEGEND + rows * PANEL_H;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", width, height, width,
                height));
        sb.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        int x = 20;
        for (String impl : impls) {
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"20\" x2=\"%d\" y2=\"20\" stroke=\"%s\" "
                    + "stroke-width=\"3\"/><text x=\"%d\" y=\"24\">%s</text>%n", x, x + 24, color(impl), x + 30,
                    impl));
            x += 110;
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" text-anchor=\"end\" fill=\"#555\">"
                + "echoed messages per second, by connections</text>%n", width - 10));
        for (int i = 0; i < panels.size(); i++) {
            panel(sb, panels.get(i), impls, (i % cols) * PANEL_W, LEGEND + (i / cols) * PANEL_H);
        }
        return sb.append("</svg>\n").toString();
    }

    private static void panel(StringBuilder sb, Panel panel, List<String> impls, int ox, int oy) {
        TreeSet<Integer> xs = new TreeSet<>();
        double max = 0;
        for (Map<Integer, Double> s : panel.series.values()) {
            xs.addAll(s.keySet());
            for (double v : s.values()) {
                max = Math.max(max, v);
            }
        }
        List<Integer> conns = new ArrayList<>(xs);
        double step = niceStep(max / 4);
        double top = Math.max(step, Math.ceil(max / step) * step);
        int plotW = PANEL_W - LEFT - RIGHT;
        int plotH = PANEL_H - TOP - BOTTOM;
        int px = ox + LEFT;
        int py = oy + TOP;
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-weight=\"bold\">"
                + "%s</text>%n", px + plotW / 2, oy + 22, escape(panel.title)));
        for (double v = 0; v <= top + step / 2; v += step) {
            double y = py + plotH - v / top * plotH;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#555\">%s</text>%n", px, y, px + plotW,
                    y, px - 6, y + 4, si(v)));
        }
        for (int i = 0; i < conns.size(); i++) {
            double cx = xAt(i, conns.size(), px, plotW);
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">"
                    + "%d</text>%n", cx, py + plotH + 18, conns.get(i)));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">"
                + "connections</text>%n", px + plotW / 2, py + plotH + 36));
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                + "stroke=\"#999\"/>%n", px, py, plotW, plotH));
        for (String impl : impls) {
            Map<Integer, Double> s = panel.series.get(impl);
            if (s == null || s.isEmpty()) {
                continue;
            }
            StringBuilder points = new StringBuilder();
            StringBuilder dots = new StringBuilder();
            for (int i = 0; i < conns.size(); i++) {
                Double v = s.get(conns.get(i));
                if (v == null) {
                    continue;
                }
                double cx = xAt(i, conns.size(), px, plotW);
                double cy = py + plotH - v / top * plotH;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", cx, cy));
                dots.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\">"
                        + "<title>%s, %d connections: %s msg/s</title></circle>%n", cx, cy, color(impl), impl,
                        conns.get(i), si(v)));
            }
            sb.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" "
                    + "stroke-width=\"2.5\"/>%n", points.toString().trim(), color(impl)));
            sb.append(dots);
        }
    }

    private static double xAt(int i, int n, int px, int plotW) {
        return n == 1 ? px + plotW / 2.0 : px + 20 + i * (plotW - 40.0) / (n - 1);
    }

    private static String color(String impl) {
        return COLORS.getOrDefault(impl, "#2ca02c");
    }

    /** {@return 1, 2 or 5 times a power of ten, at least {@code raw}} */
    static double niceStep(double raw) {
        if (raw <= 0) {
            return 1;
        }
        double pow = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * pow >= raw) {
                return m * pow;
            }
        }
        return 10 * pow;
    }

    /** {@return a number with an SI suffix: 250k, 1.2M} */
    static String si(double v) {
        if (v >= 1e6) {
            return trim(v / 1e6) + "M";
        }
        if (v >= 1e3) {
            return trim(v / 1e3) + "k";
        }
        return trim(v);
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.2f", v);
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
