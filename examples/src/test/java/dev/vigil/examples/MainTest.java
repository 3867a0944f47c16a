package dev.vigil.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {

    @Test
    void helpListsEveryExampleAndItsOptions() {
        String help = run(0, "--help");
        for (String example : List.of("fleet", "echo", "chat", "health", "metrics")) {
            assertTrue(help.contains("  " + example + " "), example + " missing from\n" + help);
        }
        assertTrue(help.contains("--sensors <500>"), help);
        assertTrue(run(0, "chat", "--help").contains("--name"));
    }

    @Test
    void mistakesAreReportedWithTheExamplesUsage() {
        assertTrue(run(2, "fleet", "--sensor", "5").contains("unknown option --sensor"));
        assertTrue(run(2, "teleport").contains("unknown example 'teleport'"));
        assertTrue(run(2, "fleet", "--seconds").contains("--seconds needs a value"));
        // Options alone go to the demo, so ./demo --sensors 100 works; a mistake there names the demo's options.
        assertTrue(run(2, "--sensor", "5").contains("unknown option --sensor"));
    }

    @Test
    @Timeout(20)
    void echoRunsFromTheCommandLine() {
        String out = run(0, "echo", "--count", "2", "--every", "50ms");
        assertTrue(out.contains("got 'hello 2' back"), out);
    }

    @Test
    void optionsParseDurationsAndNumbers() {
        Options o = Options.parse(List.of("x", "--a=1.5s", "--b", "250ms", "--c", "3", "--f"), List.of(
                Options.Spec.of("a", null, ""), Options.Spec.of("b", null, ""), Options.Spec.of("c", "1", ""),
                Options.Spec.flag("f", "")));
        assertEquals(Duration.ofMillis(1500), o.duration("a"));
        assertEquals(Duration.ofMillis(250), o.duration("b"));
        assertEquals(3, o.integer("c"));
        assertTrue(o.flag("f"));
        assertEquals(List.of("x"), o.positional());
        assertThrows(IllegalArgumentException.class, () -> o.integer("a"));
    }

    private static String run(int expectedStatus, String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(expectedStatus, status, out);
        return out;
    }
}
