package dev.vigil.examples.trading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

final class TradingExampleTest {

    @Test
    @Timeout(120)
    void chaosRunLosesNothingDuplicatesNothingAndCancelsAtExpiry() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TradingReport report = TradingExample.run(400, true, 20, Duration.ofMillis(300),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertEquals(400, report.sent());
        assertEquals(400, report.delivered());
        assertEquals(400, report.acknowledged());
        assertEquals(0, report.lost());
        assertEquals(0, report.duplicatesAtGateway());
        assertEquals(0, report.resumeFailures());
        assertTrue(report.resumes() >= 20, "resumes " + report.resumes());
        assertEquals(200, report.cancelledAtExpiry(), "the odd orders rest open; the gateway fills the even ones");
        assertTrue(report.kept(), report.format());
    }
}
