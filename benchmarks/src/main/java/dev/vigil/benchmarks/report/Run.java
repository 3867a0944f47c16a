package dev.vigil.benchmarks.report;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * One JMH result: a benchmark method run with one set of parameters, as JMH's JSON has it.
 *
 * @param benchmark the benchmark's simple name, {@code ThroughputBenchmark.echo}
 * @param params    its parameters, {@code impl} included
 * @param json      the whole JSON object
 */
record Run(String benchmark, Map<String, String> params, Map<String, Object> json) {

    @SuppressWarnings("unchecked")
    static Run of(Map<String, Object> json) {
        String name = (String) json.get("benchmark");
        String simple = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
        Map<String, String> params = new TreeMap<>();
        Object p = json.get("params");
        if (p instanceof Map<?, ?> m) {
            ((Map<String, Object>) m).forEach((k, v) -> params.put(k, String.valueOf(v)));
        }
        return new Run(simple, params, json);
    }

    /** The system property that tags a fork with its round: {@code -Dvigil.bench.round=2}. */
    static final String ROUND_PROPERTY = "vigil.bench.round";

    /**
     * {@return the round this run belongs to, from the {@value #ROUND_PROPERTY} system property among its JVM
     * arguments (JMH records them), or 0 for a run with no round}
     */
    int round() {
        if (json.get("jvmArgs") instanceof List<?> args) {
            String prefix = "-D" + ROUND_PROPERTY + "=";
            for (Object a : args) {
                if (a instanceof String s && s.startsWith(prefix)) {
                    try {
                        return Integer.parseInt(s.substring(prefix.length()));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(benchmark + ": bad round " + s, e);
                    }
                }
            }
        }
        return 0;
    }

    /** {@return the implementation measured} */
    String impl() {
        return params.getOrDefault("impl", "?");
    }

    /** {@return a parameter as a number} */
    double param(String name) {
        return Double.parseDouble(params.get(name));
    }

    /** {@return what tells this run's group apart: the benchmark and every parameter but impl} */
    String groupKey() {
        Map<String, String> rest = new TreeMap<>(params);
        rest.remove("impl");
        return benchmark + rest;
    }

    /** {@return a top-level field, as text} */
    String field(String name) {
        Object v = json.get(name);
        if (v instanceof Double d && d == Math.rint(d)) {
            return Long.toString(d.longValue());
        }
        return v == null ? "" : String.valueOf(v);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> primary() {
        return (Map<String, Object>) json.get("primaryMetric");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> secondary(String label) {
        Object all = json.get("secondaryMetrics");
        return all instanceof Map<?, ?> m ? (Map<String, Object>) m.get(label) : null;
    }

    /** {@return the primary score, as JMH aggregated it; NaN if there is none} */
    double primaryScore() {
        return primary().get("score") instanceof Double d ? d : Double.NaN;
    }

        /** {@return the primary score's unit} */
    String primaryUnit() {
        return (String) primary().get("scoreUnit");
    }

    /** {@return a percentile of the primary metric (SampleTime), such as "99.9"} */
    @SuppressWarnings("unchecked")
    OptionalDouble percentile(String p) {
        Object pct = primary().get("scorePercentiles");
        if (pct instanceof Map<?, ?> m && ((Map<String, Object>) m).get(p) instanceof Double d) {
            return OptionalDouble.of(d);
        }
        return OptionalDouble.empty();
    }

    /** {@return how many samples the primary metric's histogram holds (SampleTime)} */
    @SuppressWarnings("unchecked")
    long samples() {
        long n = 0;
        if (primary().get("rawDataHistogram") instanceof List<?> forks) {
            for (Object fork : forks) {
                for (Object iteration : (List<Object>) fork) {
                    for (Object bucket : (List<Object>) iteration) {
                        n += ((Double) ((List<Object>) bucket).get(1)).longValue();
                    }
                }
            }
        }
        return n;
    }

    /** {@return a secondary metric's score, as JMH aggregated it} */
    OptionalDouble secondaryScore(String label) {
        Map<String, Object> m = secondary(label);
        return m != null && m.get("score") instanceof Double d && !d.isNaN() ? OptionalDouble.of(d)
                : OptionalDouble.empty();
    }

    /**
     * {@return the mean of a secondary metric's per-iteration values, for gauges that JMH sums over iterations
     * (auxiliary counters of type EVENTS)}
     */
    OptionalDouble secondaryMean(String label) {
        return secondaryRaw(label).average();
    }

    /** {@return the largest of a secondary metric's per-iteration values (see {@link #secondaryMean})} */
    OptionalDouble secondaryMax(String label) {
        return secondaryRaw(label).max();
    }

    @SuppressWarnings("unchecked")
    private java.util.stream.DoubleStream secondaryRaw(String label) {
        Map<String, Object> m = secondary(label);
        if (m == null || !(m.get("rawData") instanceof List<?> forks)) {
            return java.util.stream.DoubleStream.empty();
        }
        return forks.stream().flatMap(f -> ((List<Object>) f).stream()).mapToDouble(v -> (Double) v);
    }
}
