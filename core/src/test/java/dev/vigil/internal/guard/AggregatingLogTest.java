package dev.vigil.internal.guard;

import org.jetbrains.annotations.Nullable;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AggregatingLogTest {
    private static final long WINDOW = 10_000_000_000L;
    private final FakeClock clock = new FakeClock();
    private final List<String> lines = new ArrayList<>();
    private final List<@Nullable Throwable> causes = new ArrayList<>();
    private final AggregatingLog log = new AggregatingLog((line, cause) -> {
        lines.add(line);
        causes.add(cause);
    }, WINDOW);

    @Test
    void theFirstWarningIsLoggedAndTheRestAreSummedUpOnceWhenTheWindowEnds() {
        for (int i = 1; i <= 38; i++) {
            log.warn(clock.now(), "refused", "refused a connection from {}: {}", "127.0.0.1:" + (40000 + i), "full");
            clock.advanceMillis(200);
        }
        assertEquals(List.of("refused a connection from 127.0.0.1:40001: full"), lines);
        log.flush(clock.now());
        assertEquals(1, lines.size(), "7.6 s: the window is still open");
        log.flush(clock.advanceMillis(2_400));
        assertEquals(List.of("refused a connection from 127.0.0.1:40001: full",
                "37 more like this in the last 10s; the last: refused a connection from 127.0.0.1:40038: full"), lines);
        log.flush(clock.advanceMillis(60_000));
        assertEquals(2, lines.size(), "a summary is written once");
    }

    @Test
    void afterAWindowTheNextWarningWritesTheSummaryThenItself() {
        log.warn(clock.now(), "late", "tick {} late", 1);
        log.warn(clock.advanceMillis(1), "late", "tick {} late", 2);
        log.warn(clock.advanceMillis(WINDOW / 1_000_000), "late", "tick {} late", 3);
        assertEquals(List.of("tick 1 late", "1 more like this in the last 10s; the last: tick 2 late", "tick 3 late"),
                lines);
    }

    @Test
    void kindsAreCountedApart() {
        log.warn(clock.now(), "a", "a1");
        log.warn(clock.now(), "b", "b1");
        log.warn(clock.now(), "a", "a2");
        log.flush(clock.advanceMillis(10_000));
        assertEquals(List.of("a1", "b1", "1 more like this in the last 10s; the last: a2"), lines);
    }

    @Test
    void aMillionWarningsInAMinuteMakeAtMostTwoLinesPerWindowAndOneStackTraceEach() {
        IOException boom = new IOException("boom");
        for (int i = 0; i < 1_000_000; i++) {
            log.warn(clock.advance(java.time.Duration.ofNanos(60_000)), "closing", "closing {}: {}", i, "reset",
                    boom);
            log.flush(clock.now());
        }
        log.flush(clock.advanceMillis(10_000));
        assertTrue(lines.size() <= 2 * 7, lines.size() + " lines: " + lines);
        assertTrue(lines.size() >= 2 * 5, lines.size() + " lines");
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("more like this")) {
                assertNull(causes.get(i), "a summary carries no stack trace");
            } else {
                assertSame(boom, causes.get(i));
            }
        }
        long counted = lines.stream().filter(l -> l.contains("more like this"))
                .mapToLong(l -> Long.parseLong(l.substring(0, l.indexOf(' ')).replace(",", ""))).sum();
        long logged = lines.stream().filter(l -> !l.contains("more like this")).count();
        assertEquals(1_000_000, counted + logged, "every warning logged or counted");
    }
}
