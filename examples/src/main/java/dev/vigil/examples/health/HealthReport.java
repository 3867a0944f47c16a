package dev.vigil.examples.health;

import dev.vigil.CloseReason;
import org.jetbrains.annotations.Nullable;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the health demo found. Times are from the start of the run.
 *
 * @param options          what was run
 * @param slowRttBySecond  the slow backend's smoothed RTT at each status line
 * @param slowFlaggedAt    when the slow backend first left the pool, or {@code null}
 * @param slowFlaggedAs    the status it left with ({@code SLOW} is the point: before any timeout)
 * @param slowFlaggedRtt   its smoothed RTT at that moment
 * @param slowDownAt       when its connection closed, or {@code null} if it outlived the run
 * @param slowDownKind     why
 * @param killedOutAt      when the crashed backend left the pool, or {@code null}
 * @param killedDownAt     when its connection closed, or {@code null}
 * @param killedDownKind   why
 * @param served           answered requests per backend
 * @param sent             requests sent (re-sends included)
 * @param sentAfterRemoval requests sent to a backend after it had left the pool: must be 0
 * @param resent           requests re-sent because their backend died before answering
 * @param unanswered       requests still unanswered at the end
 */
public record HealthReport(HealthOptions options, List<Duration> slowRttBySecond, @Nullable Duration slowFlaggedAt,
                           @Nullable String slowFlaggedAs, Duration slowFlaggedRtt, @Nullable Duration slowDownAt,
                           CloseReason.@Nullable Kind slowDownKind, @Nullable Duration killedOutAt,
                           @Nullable Duration killedDownAt, CloseReason.@Nullable Kind killedDownKind,
                           Map<String, Integer> served, int sent, int sentAfterRemoval, int resent, int unanswered) {

    /**
     * {@return whether the slow backend was flagged SLOW, by its RTT, before it timed out, the crashed one was found
     * dead by heartbeat, and no request went to a backend out of the pool}
     */
    public boolean allAsExpected() {
        boolean slowOk = slowFlaggedAt != null && "SLOW".equals(slowFlaggedAs)
                && slowFlaggedRtt.compareTo(options.slowRtt()) > 0
                && (slowDownAt == null || slowFlaggedAt.compareTo(slowDownAt) < 0);
        boolean killedOk = killedOutAt != null && killedDownKind == CloseReason.Kind.HEARTBEAT_TIMEOUT;
        return slowOk && killedOk && sentAfterRemoval == 0;
    }

    /** {@return the report as printed at the end of the demo} */
    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%nHealth report: %d backends for %s; heartbeat PING after %s of quiet, dead after %s; "
                        + "slow above %s smoothed RTT%n", options.backends(), secs(options.duration()),
                human(options.interval()), human(options.timeout()), human(options.slowRtt())));
        sb.append(String.format("  backend-2, link slowing from %s by %s one-way per second%n",
                secs(options.slowAt()), human(options.ramp())));
        sb.append("    smoothed RTT, once a second: ").append(slowRttBySecond.stream()
                .map(d -> String.format(Locale.ROOT, "%.1f", d.toNanos() / 1e6)).collect(Collectors.joining(", ")))
                .append(String.format(" ms%n"));
        sb.append(slowFlaggedAt == null ? String.format("    NEVER flagged%n")
                : String.format("    left the pool at %s as %s, smoothed RTT %s (threshold %s)%n",
                secs(slowFlaggedAt), slowFlaggedAs, ms(slowFlaggedRtt), ms(options.slowRtt())));
        sb.append(slowDownAt == null || slowFlaggedAt == null ? String.format("    still connected at the end%n")
                : String.format("    connection closed at %s: %s, %s after it was flagged%n", secs(slowDownAt),
                slowDownKind, secs(slowDownAt.minus(slowFlaggedAt))));
        sb.append(String.format("  backend-3, crashed at %s (process gone, network silent)%n",
                secs(options.killAt())));
        sb.append(killedOutAt == null ? String.format("    NEVER left the pool%n")
                : String.format("    left the pool at %s (%s after the crash)%n", secs(killedOutAt),
                secs(killedOutAt.minus(options.killAt()))));
        if (killedDownAt != null) {
            sb.append(String.format("    connection closed at %s: %s (%s after the crash; timeout %s)%n",
                    secs(killedDownAt), killedDownKind, secs(killedDownAt.minus(options.killAt())),
                    secs(options.timeout())));
        }
        sb.append(String.format("  requests: %d sent, answered by %s; %d re-sent after their backend died, %d "
                + "unanswered at the end%n", sent, served, resent, unanswered));
        sb.append(String.format("  requests sent to a backend after it left the pool: %d%n", sentAfterRemoval));
        sb.append(String.format("  %s%n", allAsExpected() ? "as expected: slow flagged by RTT before its timeout, "
                + "crashed one found by heartbeat" : "NOT as expected"));
        return sb.toString();
    }

    static String secs(Duration d) {
        return String.format(Locale.ROOT, "%.2f s", d.toNanos() / 1e9);
    }

    /** {@return a setting for people: {@code 100 ms}, {@code 1 s}, {@code 1.5 s}} */
    static String human(Duration d) {
        return d.toMillis() < 1000 ? d.toMillis() + " ms"
                : String.format(Locale.ROOT, "%.2f", d.toMillis() / 1000.0).replaceAll("\\.?0+$", "") + " s";
    }

    static String ms(Duration d) {
        return String.format(Locale.ROOT, "%.1f ms", d.toNanos() / 1e6);
    }
}
