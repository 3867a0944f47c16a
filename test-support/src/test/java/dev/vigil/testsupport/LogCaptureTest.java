package dev.vigil.testsupport;

import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/** Runs {@link Sample} through JUnit as the build does, and reads what it printed. */
class LogCaptureTest {

    /** Not run by the build itself (surefire skips nested classes); run by the test below. */
    static class Sample {
        @Test
        void passes() {
            LoggerFactory.getLogger("dev.vigil.Sample").warn("expected failure of a passing test");
        }

        @Test
        void fails() {
            LoggerFactory.getLogger("dev.vigil.Sample").warn("what led to the failure");
            fail("on purpose");
        }
    }

    @Test
    void onlyAFailedTestPrintsItsLog() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            EngineTestKit.engine("junit-jupiter")
                    .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                    .selectors(selectClass(Sample.class))
                    .execute()
                    .testEvents().assertStatistics(stats -> stats.succeeded(1).failed(1));
        } finally {
            System.setErr(original);
        }
        String printed = err.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("---- log of failed test fails() in " + Sample.class.getName() + ": 1 lines ----"),
                printed);
        assertTrue(printed.contains("WARN Sample - what led to the failure"), printed);
        assertFalse(printed.contains("expected failure of a passing test"), printed);
        assertEquals(1, printed.split("---- log of failed test", -1).length - 1, printed);
    }
}
