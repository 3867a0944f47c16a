package dev.vigil.examples.health;

import dev.vigil.examples.Options;

import java.time.Duration;
import java.util.List;

/**
 * What the health demo runs.
 *
 * @param backends  how many backends in the pool (at least 3: one goes slow, one dies, one must stay)
 * @param duration  how long the run lasts
 * @param rate      requests per second sent through the pool
 * @param interval  heartbeat: PING a backend after this much silence
 * @param timeout   heartbeat: a backend silent this long is dead
 * @param slowRtt   a backend whose smoothed heartbeat RTT is above this is slow and leaves the pool
 * @param slowAt    when the slow backend's link starts to slow down
 * @param ramp      how much one-way latency its link gains per second from then on
 * @param killAt    when another backend crashes
 */
public record HealthOptions(int backends, Duration duration, int rate, Duration interval, Duration timeout,
                            Duration slowRtt, Duration slowAt, Duration ramp, Duration killAt) {

    /** The options the health example accepts. */
    public static final List<Options.Spec> SPECS = List.of(
            Options.Spec.of("backends", "4", "backends in the pool (at least 3)"),
            Options.Spec.of("seconds", "9", "how long the run lasts"),
            Options.Spec.of("rate", "10", "requests per second through the pool"),
            Options.Spec.of("interval", "100ms", "heartbeat: PING after this much silence"),
            Options.Spec.of("timeout", "1s", "heartbeat: dead after this much silence"),
            Options.Spec.of("slow-rtt", "50ms", "smoothed RTT above which a backend leaves the pool"),
            Options.Spec.of("slow-at", "2s", "when backend-2's link starts slowing down"),
            Options.Spec.of("ramp", "100ms", "one-way latency backend-2's link gains per second"),
            Options.Spec.of("kill-at", "4s", "when backend-3 crashes"));

    /** Checks the values. */
    public HealthOptions {
        if (backends < 3) {
            throw new IllegalArgumentException("--backends must be at least 3: one slows down, one dies, one stays");
        }
        if (rate < 1) {
            throw new IllegalArgumentException("--rate must be at least 1");
        }
        if (!ramp.isPositive() || !slowRtt.isPositive()) {
            throw new IllegalArgumentException("--ramp and --slow-rtt must be positive");
        }
    }

    /** {@return the options given on the command line} */
    public static HealthOptions from(Options o) {
        return new HealthOptions(o.integer("backends"), Duration.ofMillis(Math.round(o.number("seconds") * 1000)),
                o.integer("rate"), o.duration("interval"), o.duration("timeout"), o.duration("slow-rtt"),
                o.duration("slow-at"), o.duration("ramp"), o.duration("kill-at"));
    }

    /** {@return the demo's defaults} */
    public static HealthOptions defaults() {
        return from(Options.parse(List.of(), SPECS));
    }
}
