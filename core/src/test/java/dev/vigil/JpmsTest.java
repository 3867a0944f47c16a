package dev.vigil;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Vigil works as a named module (module path) and as a plain jar (class path). */
class JpmsTest {

    @Test
    void onTheClassPathVigilIsPartOfTheUnnamedModule() {
        // Surefire runs these tests on the class path.
        assertFalse(ConnectionManager.class.getModule().isNamed());
    }

    @Test
    @Timeout(60)
    void onTheModulePathVigilIsTheModuleDevVigilExportingOnlyItsApi() throws Exception {
        String[] classPath = System.getProperty("java.class.path").split(File.pathSeparator);
        Path coreClasses = Path.of(ConnectionManager.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertTrue(Files.exists(coreClasses.resolve("module-info.class")), "core is compiled as a module");
        List<String> modulePath = new ArrayList<>(List.of(coreClasses.toString()));
        List<String> rest = new ArrayList<>();
        for (String entry : classPath) {
            if (entry.contains("slf4j")) {
                modulePath.add(entry);
            } else if (!Path.of(entry).equals(coreClasses)) {
                rest.add(entry);
            }
        }
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process process = new ProcessBuilder(java,
                "--module-path", String.join(File.pathSeparator, modulePath),
                "--add-modules", "dev.vigil",
                "-cp", String.join(File.pathSeparator, rest),
                jpmscheck.JpmsCheck.class.getName())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);
        String line = Arrays.stream(output.split("\n")).filter(l -> l.startsWith("module=")).findFirst()
                .orElse(output);
        // The machinery is exported to vigil-testing alone (for EmbeddedConnection), and the manager class is not
        // public: ConnectionManager.builder() is the only way to make one.
        assertEquals("module=dev.vigil exportsApi=true exportsInternal=false qualified=[dev.vigil.internal->"
                + "dev.vigil.testing dev.vigil.internal.conn->dev.vigil.testing dev.vigil.internal.heartbeat->"
                + "dev.vigil.testing dev.vigil.internal.wire->dev.vigil.testing] managerPublic=false"
                + " echo=over the module path", line);
    }
}
