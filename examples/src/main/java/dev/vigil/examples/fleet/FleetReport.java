package dev.vigil.examples.fleet;

import dev.vigil.CloseReason;
import org.jetbrains.annotations.Nullable;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * What the fleet demo found: every injected failure, how the monitor learned of it and how long that took, held
 * against what the configured policy promises. {@link #render()} is the text printed at the end of the demo; the test
 * checks the records themselves.
 *
 * @param options     what was run
 * @param policy      the heartbeat policy, in words
 * @param failures    every injected failure, in the order injected
 * @param falseAlarms sensors the monitor declared offline or hung that were never made to fail
 * @param readings    readings the monitor received
 * @param elapsed     how long the run took
 * @param rttP50      median of the connections' smoothed heartbeat RTT at the end
 * @param rttP99      99th percentile of the same
 */
public record FleetReport(FleetOptions options, String policy, List<Failure> failures, List<String> falseAlarms,
                          long readings, Duration elapsed, Duration rttP50, Duration rttP99) {

    /** How a sensor was made to fail. */
    public enum Mode {
        /** Stopped sending readings; connection and heartbeats fine. */
        HANG("hung"),
        /** Vanished without closing (its proxy swallows everything). */
        POWER_LOSS("power loss"),
        /** Closed its connection properly. */
        CLEAN_CLOSE("clean close");

        private final String label;

        Mode(String label) {
            this.label = label;
        }

        /** {@return the words for it} */
        public String label() {
            return label;
        }
    }

    /**
     * One injected failure and what the monitor made of it.
     *
     * @param sensor        the sensor
     * @param mode          how it was made to fail
     * @param injectedAt    when, from the start of the run
     * @param noticedAfter  how long after the injection the monitor noticed, or {@code null} if it never did
     * @param byStaleness   the monitor noticed by its own "no reading" rule, not by Vigil closing the connection
     * @param reason        why Vigil closed the connection, when that is how the monitor noticed
     * @param silence       at the moment it was noticed: how long nothing at all (heartbeat closes) or no reading
     *                      (staleness) had arrived
     * @param localStall    for a heartbeat timeout: how much of that silence this JVM itself measurably stalled,
     *                      which Vigil did not count against the sensor; zero otherwise
     * @param suspectAfter  how long after the injection the connection went SUSPECT, or {@code null} if it never did
     * @param expected      what the policy promises: noticed within this long
     * @param comesBack     whether the sensor was scheduled to come back
     * @param backAfter     how long after the injection it was seen online again, or {@code null}
     * @param rtt           the connection's smoothed heartbeat RTT when noticed
     */
    public record Failure(int sensor, Mode mode, Duration injectedAt, @Nullable Duration noticedAfter,
                          boolean byStaleness, @Nullable CloseReason reason, Duration silence, Duration localStall,
                          @Nullable Duration suspectAfter, Duration expected, boolean comesBack,
                          @Nullable Duration backAfter, Duration rtt) {

        /** The slack allowed on top of the promise for timer ticks and a busy two-core machine. */
        public static final Duration SLACK = Duration.ofMillis(250);

        /**
         * {@return what the policy promises for this failure: for a power loss, dead after its timeout of silence
         * that was not our own measured stall}
         */
        public Duration promise() {
            return mode == Mode.POWER_LOSS ? expected.plus(localStall) : expected;
        }

        /** {@return whether it was noticed, in the right way, within what the policy promises} */
        public boolean asExpected() {
            if (noticedAfter == null || noticedAfter.compareTo(promise().plus(SLACK)) > 0) {
                return false;
            }
            return switch (mode) {
                case HANG -> byStaleness;
                case POWER_LOSS -> reason != null && reason.kind() == CloseReason.Kind.HEARTBEAT_TIMEOUT;
                case CLEAN_CLOSE -> reason != null && reason.kind() == CloseReason.Kind.CLOSED_BY_PEER
                        && reason.remote();
            };
        }

        String how() {
            if (noticedAfter == null) {
                return "NOT NOTICED by the end of the run";
            }
            if (byStaleness) {
                return "staleness rule: no reading for " + secs(silence) + "; Vigil kept it "
                        + (suspectAfter == null ? "ACTIVE" : "alive") + ", PONGs in " + millis(rtt);
            }
            CloseReason r = reason == null ? CloseReason.local(CloseReason.Kind.IO_ERROR, "?") : reason;
            return switch (r.kind()) {
                case HEARTBEAT_TIMEOUT -> "HEARTBEAT_TIMEOUT after " + secs(silence) + " of silence"
                        + (localStall.isZero() ? "" : ", " + secs(localStall) + " of it our own stall")
                        + (suspectAfter == null ? "" : ", SUSPECT at " + secs(suspectAfter));
                case CLOSED_BY_PEER -> "CLOSED_BY_PEER" + (r.remote() ? " (its CLOSE frame)" : " (TCP FIN)");
                default -> r.toString();
            };
        }
    }

    /** {@return the report as the demo prints it} */
    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%nFleet report: %d sensors for %s; heartbeat %s; monitor's staleness rule: no "
                + "reading for %s%n%n", options.sensors(), secs(elapsed), policy, secs(options.staleAfter())));
        sb.append(String.format("  at: when the failure happened; noticed: how long until the monitor knew; promise: "
                + "the longest the policy allows (for a power loss: its timeout, plus the time this JVM itself was "
                + "stalled during the silence, which Vigil measures and does not count against the sensor)%n%n"));
        sb.append(String.format("  %-12s %-12s %8s %9s  %-10s %s%n",
                "sensor", "failure", "at", "noticed", "promise", "how"));
        for (Failure f : failures) {
            sb.append(String.format("  %-12s %-12s %8s %9s  %-10s %s%s%n", name(f.sensor()), f.mode().label(),
                    secs(f.injectedAt()), f.noticedAfter() == null ? "-" : "+" + secs(f.noticedAfter()),
                    f.mode() == Mode.CLEAN_CLOSE ? "at once" : "<= " + secs(f.promise()),
                    f.asExpected() ? "" : "UNEXPECTED: ", f.how()));
        }
        List<Failure> back = failures.stream().filter(Failure::comesBack).toList();
        if (!back.isEmpty()) {
            sb.append(String.format("%n  came back:"));
            for (Failure f : back) {
                sb.append(' ').append(name(f.sensor())).append(f.backAfter() == null ? " (not seen)"
                        : " +" + secs(f.backAfter()));
            }
            sb.append(String.format("%n"));
        }
        sb.append(String.format("%nSummary%n"));
        summary(sb, Mode.POWER_LOSS, "detected by heartbeat timeout, in", "the policy says dead after "
                + secs(options.heartbeatTimeout()) + " of silence at the latest, not counting our own stalls"
                + stalls());
        summary(sb, Mode.HANG, "caught by the staleness rule, in", "heartbeats prove the link, not the "
                + "application: Vigil rightly kept these connections open");
        summary(sb, Mode.CLEAN_CLOSE, "reported as clean closes, in", "a CLOSE frame needs no timeout");
        long returned = back.stream().filter(f -> f.backAfter() != null).count();
        sb.append(String.format("  %-12s %d/%d seen online again%n", "came back", returned, back.size()));
        sb.append(String.format("  %-12s %d%s%n", "false alarms", falseAlarms.size(),
                falseAlarms.isEmpty() ? "" : " " + falseAlarms));
        sb.append(String.format("  %-12s %,d readings; heartbeat RTT across connections p50 %s, p99 %s%n",
                "traffic", readings, millis(rttP50), millis(rttP99)));
        return sb.toString();
    }

    private void summary(StringBuilder sb, Mode mode, String verb, String why) {
        List<Failure> of = failures.stream().filter(f -> f.mode() == mode).toList();
        if (of.isEmpty()) {
            return;
        }
        List<Duration> noticed = of.stream().map(Failure::noticedAfter)
                .filter(Predicate.not(java.util.Objects::isNull)).sorted().toList();
        long ok = of.stream().filter(Failure::asExpected).count();
        String range = noticed.isEmpty() ? "-" : secs(noticed.getFirst()) + " to " + secs(noticed.getLast());
        sb.append(String.format("  %-12s %d/%d %s %s (%s)%n", mode.label(), ok, of.size(), verb, range, why));
    }

    /** {@return how much of each power loss's delay was our own measured stall, in words} */
    private String stalls() {
        List<Duration> stalls = failures.stream().filter(f -> f.mode() == Mode.POWER_LOSS && f.noticedAfter() != null
                && !f.byStaleness()).map(Failure::localStall).sorted().toList();
        if (stalls.isEmpty()) {
            return "";
        }
        if (stalls.getLast().isZero()) {
            return "; this JVM did not stall measurably during any of them";
        }
        Duration sum = stalls.stream().reduce(Duration.ZERO, Duration::plus);
        return "; of each delay, " + secs(stalls.getFirst()) + " to " + secs(stalls.getLast()) + " (" + secs(sum)
                + " in all) was this JVM's own measured stall";
    }

    /** {@return whether every failure was noticed as the policy promises and nothing healthy was declared dead} */
    public boolean allAsExpected() {
        return falseAlarms.isEmpty() && failures.stream().allMatch(Failure::asExpected);
    }

    static String name(int sensor) {
        return String.format("sensor-%04d", sensor);
    }

    /** {@return the duration in seconds, or in milliseconds below a tenth of a second} */
    static String secs(Duration d) {
        return d.compareTo(Duration.ofMillis(100)) < 0 ? millis(d).replace(".00 ms", " ms")
                : String.format(Locale.ROOT, "%.2f s", d.toNanos() / 1e9);
    }

    static String millis(Duration d) {
        return String.format(Locale.ROOT, d.compareTo(Duration.ofMillis(10)) < 0 ? "%.2f ms" : "%.1f ms",
                d.toNanos() / 1e6);
    }
}
