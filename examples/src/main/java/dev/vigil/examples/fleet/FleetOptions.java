package dev.vigil.examples.fleet;

import dev.vigil.HeartbeatPolicy;
import dev.vigil.examples.Options;

import java.time.Duration;
import java.util.List;

/**
 * What the fleet demo runs: how many sensors, for how long, with which heartbeat policy, and how many of them fail in
 * each way. The defaults are the demo a newcomer sees; the test uses a smaller, faster fleet.
 *
 * @param sensors           how many simulated sensors connect to the monitor
 * @param duration          how long the run lasts
 * @param readingEvery      how often each sensor sends a reading
 * @param policy            {@code fixed} or {@code phi}
 * @param heartbeatInterval silence before the monitor PINGs a sensor
 * @param heartbeatTimeout  silence after which a sensor is dead ({@code fixed}); the upper bound for {@code phi}
 * @param staleAfter        the monitor's own rule: a sensor with no reading for this long is hung
 * @param hang              sensors that stop sending readings but keep the connection (and heartbeats) alive
 * @param power             sensors that lose power: they vanish without closing
 * @param clean             sensors that close their connection cleanly
 * @param comeBack          failed sensors that come back later (reconnect, or resume sending)
 * @param seed              seed for choosing the failing sensors and the moments they fail
 */
public record FleetOptions(int sensors, Duration duration, Duration readingEvery, String policy,
                           Duration heartbeatInterval, Duration heartbeatTimeout, Duration staleAfter,
                           int hang, int power, int clean, int comeBack, long seed) {

    /** The options the fleet example accepts, with the demo's defaults. */
    public static final List<Options.Spec> SPECS = List.of(
            Options.Spec.of("sensors", "500", "simulated sensors"),
            Options.Spec.of("seconds", "40", "how long the run lasts"),
            Options.Spec.of("reading-every", "1s", "how often each sensor sends a reading"),
            Options.Spec.of("policy", "fixed", "heartbeat policy: fixed or phi"),
            Options.Spec.of("interval", "500ms", "heartbeat: PING after this much silence"),
            Options.Spec.of("timeout", "2s", "heartbeat: dead after this much silence (phi: at the latest)"),
            Options.Spec.of("stale-after", "4s", "monitor's rule: no reading for this long means hung"),
            Options.Spec.of("hang", "8", "sensors that hang (connection up, no readings)"),
            Options.Spec.of("power", "8", "sensors that lose power (vanish without closing)"),
            Options.Spec.of("clean", "8", "sensors that close cleanly"),
            Options.Spec.of("come-back", "6", "failed sensors that come back"),
            Options.Spec.of("seed", "42", "random seed"));

    /** Checks that the numbers make a demo that can show what it claims. */
    public FleetOptions {
        if (sensors < 1 || hang < 0 || power < 0 || clean < 0 || comeBack < 0) {
            throw new IllegalArgumentException("sensors must be positive and failure counts not negative");
        }
        if (hang + power + clean > sensors) {
            throw new IllegalArgumentException("hang + power + clean (" + (hang + power + clean)
                    + ") exceeds the number of sensors (" + sensors + ")");
        }
        if (comeBack > hang + power + clean) {
            throw new IllegalArgumentException("come-back (" + comeBack + ") exceeds the number of failures");
        }
        if (!policy.equals("fixed") && !policy.equals("phi")) {
            throw new IllegalArgumentException("--policy must be fixed or phi, not " + policy);
        }
        if (staleAfter.compareTo(readingEvery.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("--stale-after (" + staleAfter + ") should be at least two reading"
                    + " intervals, or a healthy sensor with a little jitter would count as hung");
        }
        if (staleAfter.compareTo(heartbeatTimeout.plus(readingEvery)) <= 0) {
            // A sensor's last reading can be up to one reading interval older than the last thing heard from it
            // (a PONG). Below this bound a sensor that lost power could look "hung" before its heartbeat times out.
            throw new IllegalArgumentException("--stale-after (" + staleAfter + ") should be longer than --timeout"
                    + " plus --reading-every (" + heartbeatTimeout.plus(readingEvery) + "), so that a dead sensor is"
                    + " always found by its heartbeat before the staleness rule calls it hung");
        }
        heartbeatPolicy(policy, heartbeatInterval, heartbeatTimeout); // validates them
    }

    /** {@return the demo's defaults} */
    public static FleetOptions defaults() {
        return from(Options.parse(List.of(), SPECS));
    }

    /** {@return the options given on the command line} */
    public static FleetOptions from(Options o) {
        return new FleetOptions(o.integer("sensors"), Duration.ofMillis(Math.round(o.number("seconds") * 1000)),
                o.duration("reading-every"), o.string("policy"), o.duration("interval"), o.duration("timeout"),
                o.duration("stale-after"), o.integer("hang"), o.integer("power"), o.integer("clean"),
                o.integer("come-back"), o.integer("seed"));
    }

    /**
     * {@return the monitor's heartbeat policy}
     *
     * <p>The demo defaults to a <b>fixed</b> policy, PING after 500 ms of silence and dead after 2 s, because a fleet
     * usually has a contract ("report at least every N seconds") and the report can then hold every detection
     * against one number a person can check. {@code --policy phi} swaps in the adaptive phi-accrual detector, which
     * learns each link's rhythm: better when jitter is unknown or varies by site, but its deadline moves, so the
     * report can only hold it to its upper bound ({@code --timeout}).
     */
    public HeartbeatPolicy heartbeatPolicy() {
        return heartbeatPolicy(policy, heartbeatInterval, heartbeatTimeout);
    }

    private static HeartbeatPolicy heartbeatPolicy(String policy, Duration interval, Duration timeout) {
        if (policy.equals("phi")) {
            return HeartbeatPolicy.phiAccrual(interval).maxTimeout(timeout).minTimeout(interval.multipliedBy(2))
                    .build();
        }
        return HeartbeatPolicy.fixed(interval, timeout);
    }
}
