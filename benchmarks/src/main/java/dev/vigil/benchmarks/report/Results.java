package dev.vigil.benchmarks.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * The runs of a report, grouped into rows: a row is one benchmark with one set of parameters (all but {@code impl}),
 * and holds, per implementation, one run per round.
 */
final class Results {
    private final List<Run> runs;

    Results(List<Run> runs) {
        this.runs = List.copyOf(runs);
    }

    List<Run> runs() {
        return runs;
    }

    /** {@return the rounds the runs of one benchmark came from (every benchmark's if null)} */
    TreeSet<Integer> rounds(String benchmark) {
        TreeSet<Integer> rounds = new TreeSet<>();
        runs.stream().filter(r -> benchmark == null || r.benchmark().equals(benchmark)).forEach(r -> rounds.add(
                r.round()));
        return rounds;
    }

    /**
     * {@return the rows of one benchmark, ordered by the given parameters (numerically), then the others}
     *
     * @param benchmark the benchmark's simple name
     * @param order     parameters to order by, first the slowest-changing
     */
    List<Group> groups(String benchmark, String... order) {
        Comparator<Run> byParams = (a, b) -> 0;
        for (String p : order) {
            byParams = byParams.thenComparingDouble(r -> r.params().containsKey(p) ? r.param(p) : 0);
        }
        Map<String, Group> groups = new LinkedHashMap<>();
        runs.stream().filter(r -> r.benchmark().equals(benchmark)).sorted(byParams.thenComparing(Run::groupKey))
                .forEach(r -> groups.computeIfAbsent(r.groupKey(), k -> new Group(r)).add(r));
        return new ArrayList<>(groups.values());
    }

    /**
     * {@return the row of one benchmark whose parameters include the given ones, or null}
     *
     * @param benchmark the benchmark's simple name
     * @param params    parameters the row must have
     */
    Group group(String benchmark, Map<String, String> params) {
        return groups(benchmark).stream().filter(g -> g.params().entrySet().containsAll(params.entrySet()))
                .findFirst().orElse(null);
    }

    /** One row: per implementation, its runs by round. */
    static final class Group {
        private final Run first;
        private final Map<String, TreeMap<Integer, Run>> byImpl = new TreeMap<>(
                Comparator.comparingInt((String impl) -> {
                    int i = ReportGenerator.IMPLS.indexOf(impl);
                    return i < 0 ? Integer.MAX_VALUE : i;
                }).thenComparing(Comparator.naturalOrder()));

        Group(Run first) {
            this.first = first;
        }

        void add(Run r) {
            TreeMap<Integer, Run> rounds = byImpl.computeIfAbsent(r.impl(), i -> new TreeMap<>());
            if (rounds.putIfAbsent(r.round(), r) != null) {
                throw new IllegalArgumentException("two results for " + r.groupKey() + ", impl " + r.impl()
                        + ", round " + r.round() + ": give each round's results a round of their own (bench.sh "
                        + "tags them with -Dvigil.bench.round)");
            }
        }

        /** {@return a run of this row, for its parameters and settings} */
        Run any() {
            return first;
        }

        /** {@return the row's parameters, impl included (that of its first run)} */
        Map<String, String> params() {
            return first.params();
        }

        double param(String name) {
            return first.param(name);
        }

        /** {@return the implementations measured in this row, in the report's order} */
        List<String> impls() {
            return new ArrayList<>(byImpl.keySet());
        }

        /** {@return one implementation's runs, by round; empty if it did not run} */
        Map<Integer, Run> runs(String impl) {
            return byImpl.getOrDefault(impl, new TreeMap<>());
        }

        /** {@return one implementation's figure over the rounds} */
        Spread figure(String impl, ToDoubleFunction<Run> figure) {
            List<Double> values = new ArrayList<>();
            runs(impl).values().forEach(r -> values.add(figure.applyAsDouble(r)));
            return Spread.of(values);
        }

        /** {@return the per-round ratios of two implementations' figures, each from the same round} */
        Spread ratio(String impl, String other, ToDoubleFunction<Run> figure) {
            Map<Integer, Run> mine = runs(impl);
            Map<Integer, Run> theirs = runs(other);
            List<Double> ratios = new ArrayList<>();
            for (Map.Entry<Integer, Run> e : mine.entrySet()) {
                Run o = theirs.get(e.getKey());
                if (o != null) {
                    double d = figure.applyAsDouble(o);
                    ratios.add(d == 0 ? Double.NaN : figure.applyAsDouble(e.getValue()) / d);
                }
            }
            return Spread.of(ratios);
        }
    }
}
