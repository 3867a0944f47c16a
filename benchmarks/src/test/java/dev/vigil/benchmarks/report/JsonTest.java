package dev.vigil.benchmarks.report;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JsonTest {

    @Test
    void readsWhatJmhWrites() {
        Object v = Json.parse("""
                [ { "benchmark" : "a.B.c", "params" : { "impl" : "vigil" },
                    "primaryMetric" : { "score" : 1.5E3, "scoreError" : "NaN", "raw" : [ [ -2, 0.25 ] ] },
                    "ok" : true, "none" : null, "text" : "tab\\tquote\\" \\u00b5s" } ]
                """);
        Map<?, ?> run = (Map<?, ?>) ((List<?>) v).get(0);
        assertEquals("a.B.c", run.get("benchmark"));
        assertEquals(Map.of("impl", "vigil"), run.get("params"));
        Map<?, ?> primary = (Map<?, ?>) run.get("primaryMetric");
        assertEquals(1500.0, primary.get("score"));
        assertEquals("NaN", primary.get("scoreError"));
        assertEquals(List.of(List.of(-2.0, 0.25)), primary.get("raw"));
        assertEquals(true, run.get("ok"));
        assertEquals(null, run.get("none"));
        assertEquals("tab\tquote\" µs", run.get("text"));
    }

    @Test
    void refusesWhatIsNotJson() {
        for (String bad : List.of("", "[1,", "{\"a\" 1}", "[1] x", "\"open", "{1:2}", "tru")) {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
        }
    }

    @Test
    void formatsFigures() {
        assertEquals("1,234,568", Table.num(1234567.8));
        assertEquals("123", Table.num(123.4));
        assertEquals("12.3", Table.num(12.34));
        assertEquals("10", Table.num(10.0));
        assertEquals("1.23", Table.num(1.234));
        assertEquals("—", Table.num(Double.NaN));
        assertEquals("0.50×", Table.ratio(0.5));
        assertEquals("54.7×", Table.ratio(54.66));
        assertEquals("5,507×", Table.ratio(5506.96));
        assertEquals("1.2M", ThroughputChart.si(1_200_000));
        assertEquals("250k", ThroughputChart.si(250_000));
        assertEquals(200_000, ThroughputChart.niceStep(150_000));
    }
}
