package dev.vigil;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's quick start compiles and runs unchanged, so the first code a newcomer copies works. */
class ReadmeQuickStartTest {

    @Test
    @Timeout(60)
    void theQuickStartInTheReadmeCompilesAndRuns(@TempDir Path dir) throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(m.find(), "README.md has a java block");
        Path source = dir.resolve("QuickStart.java");
        Files.writeString(source, m.group(1));

        String bin = System.getProperty("java.home") + File.separator + "bin" + File.separator;
        Process javac = new ProcessBuilder(bin + "javac", "-d", dir.toString(),
                "-cp", System.getProperty("java.class.path"), source.toString()).redirectErrorStream(true).start();
        String errors = new String(javac.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(javac.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, javac.exitValue(), errors);

        String java = bin + "java";
        Process run = new ProcessBuilder(java, "-cp", dir + File.pathSeparator + System.getProperty("java.class.path"),
                "QuickStart").redirectErrorStream(true).start();
        String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(run.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, run.exitValue(), output);
        assertTrue(output.contains("echo: hello (RTT "), output);
        assertTrue(output.contains("echo: still there? (RTT "), output);
        assertTrue(output.contains("closed: SHUTDOWN"), output);
    }
}
