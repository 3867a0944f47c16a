package dev.vigil.examples.trading;

import java.util.Locale;

/**
 * The trading run's final report, from the client's {@link OrderTracker} and the gateway's {@link OrderBook}.
 *
 * @param sent                orders the client placed (each counted once, however often it was sent)
 * @param delivered           orders whose delivery the session confirmed
 * @param acknowledged        orders the gateway answered
 * @param duplicatesAtGateway second copies of an order the gateway received (recognised by client order id); with
 *                            sessions resuming this is 0, after a refused resume the resent orders may show here
 * @param lost                orders sent and never answered; must be 0
 * @param resumes             reconnects on which the session carried on
 * @param replayedFrames      frames sent again on those reconnects, both ways
 * @param resumeFailures      reconnects on which the session could not carry on
 * @param resent              orders handed back by a failed resume and sent again
 * @param duplicateAcks       answers saying "already accepted"
 * @param rejected            orders the gateway rejected as invalid
 * @param unexpectedAcks      answers for orders the client never placed; must be 0
 * @param cancelledAtExpiry   open orders the gateway cancelled when the client's session expired
 */
public record TradingReport(long sent, long delivered, long acknowledged, long duplicatesAtGateway, long lost,
                            long resumes, long replayedFrames, long resumeFailures, long resent, long duplicateAcks,
                            long rejected, long unexpectedAcks, long cancelledAtExpiry) {

    /**
     * {@return whether the run kept the promise: nothing lost, nothing answered that was not sent, and no order reached
     * the gateway twice unless a refused resume made the client send it again}
     */
    public boolean kept() {
        return lost == 0 && unexpectedAcks == 0 && (duplicatesAtGateway == 0 || resumeFailures > 0);
    }

    /** {@return the report for people, one figure a line, ending with the verdict} */
    public String format() {
        StringBuilder sb = new StringBuilder();
        line(sb, "orders sent", sent, "");
        line(sb, "delivered (session ACK)", delivered, "");
        line(sb, "acknowledged by the gateway", acknowledged, "");
        line(sb, "duplicates seen by the gateway", duplicatesAtGateway,
                resumeFailures > 0 ? "(resent after a refused resume, dropped by client order id)" : "(must be 0)");
        line(sb, "lost", lost, "(must be 0)");
        line(sb, "resumes", resumes, "");
        line(sb, "replayed frames", replayedFrames, "(both ways)");
        line(sb, "resume failures", resumeFailures, "");
        line(sb, "orders resent after a failure", resent, "");
        line(sb, "cancelled at session expiry", cancelledAtExpiry, "");
        if (unexpectedAcks != 0) {
            line(sb, "answers to orders never sent", unexpectedAcks, "(must be 0)");
        }
        sb.append(kept() ? "verdict: OK, nothing lost, nothing duplicated" : "verdict: UNEXPECTED").append('\n');
        return sb.toString();
    }

    private static void line(StringBuilder sb, String name, long value, String note) {
        sb.append(String.format(Locale.ROOT, "%-32s %8d  %s", name, value, note).stripTrailing()).append('\n');
    }
}
