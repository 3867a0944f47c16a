package dev.vigil.testsupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogsTest {
    private static final Logger log = LoggerFactory.getLogger("dev.vigil.Sample");

    @Test
    void theBuildBindsSlf4jToTheRecordingProvider() {
        assertTrue(Logs.recording());
    }

    @Test
    void eventsAtOrAboveInfoAreKeptWithTheirArgumentsFilledIn() {
        RuntimeException cause = new RuntimeException("cause");
        log.debug("not kept {}", 1);
        log.info("kept {} of {}", 1, 2);
        log.warn("with a cause", cause);
        if (System.getProperty("vigil.test.logLevel") == null) {
            assertEquals(0, Logs.find(Level.DEBUG, "not kept").size(), "below the default threshold, INFO");
        }
        LogRecord info = Logs.find(Level.INFO, "kept 1 of 2").getFirst();
        assertEquals("dev.vigil.Sample", info.logger());
        assertEquals("Sample", info.shortLogger());
        assertEquals(Thread.currentThread().getName(), info.thread());
        LogRecord warn = Logs.find(Level.WARN, "with a cause").getFirst();
        assertSame(cause, warn.throwable());
        assertTrue(warn.format().contains("WARN Sample - with a cause"), warn.format());
        assertTrue(warn.format().contains("java.lang.RuntimeException: cause"), "the stack trace: " + warn.format());
    }

    @Test
    void aTestStartsWithAnEmptyLog() {
        assertEquals(0, Logs.find(Level.INFO, "kept 1 of 2").size(), "the capture cleared what other tests logged");
    }

    @Test
    @Timeout(10)
    void awaitReturnsALineLoggedByAnotherThreadLater() throws Exception {
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(50); // stands for work on another thread; the test waits on the log, not on a sleep
            } catch (InterruptedException e) {
                return;
            }
            log.warn("closing: {}", "HEARTBEAT_TIMEOUT");
        });
        LogRecord line = Logs.await(Level.WARN, "closing: HEARTBEAT", Duration.ofSeconds(5));
        assertEquals("closing: HEARTBEAT_TIMEOUT", line.message());
    }

    @Test
    void awaitFailsWithWhatWasLoggedInstead() {
        log.info("something else");
        AssertionError e = assertThrows(AssertionError.class,
                () -> Logs.await(Level.WARN, "never", Duration.ofMillis(20)));
        assertTrue(e.getMessage().contains("no WARN line containing \"never\""), e.getMessage());
        assertTrue(e.getMessage().contains("INFO Sample - something else"), e.getMessage());
    }
}
