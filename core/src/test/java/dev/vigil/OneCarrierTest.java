package dev.vigil;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Heartbeats stay on time when the virtual-thread scheduler has a single carrier and thousands of connections are
 * idle. The flag must be set when a JVM starts, so the check runs in a JVM of its own.
 */
class OneCarrierTest {
    @Test
    @Timeout(120)
    void heartbeatsOfFourThousandIdleConnectionsGoOutOnTimeOnOneCarrier() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<String> command = new ArrayList<>(List.of(java,
                "-Djdk.virtualThreadScheduler.parallelism=1",
                "-Djdk.virtualThreadScheduler.maxPoolSize=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Xmx1g",
                "-cp", System.getProperty("java.class.path"),
                OneCarrierCheck.class.getName(), "4000", "6"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                output.add(line);
            }
        }
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the check finished");
        assertEquals(0, process.exitValue(), String.join("\n", output));
        String result = output.stream().filter(l -> l.startsWith("OK") || l.startsWith("FAIL")).findFirst()
                .orElse("no result line in:\n" + String.join("\n", output));
        assertTrue(result.startsWith("OK"), result);
        assertTrue(result.contains("carriers=1"), "the scheduler really had one carrier: " + result);
    }
}
