package dev.vigil.micrometer;

import dev.vigil.ConnectionManager;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On the module path, {@code dev.vigil.micrometer} resolves with Vigil's module and Micrometer's jars, exports its
 * API, gives its users {@code dev.vigil} and {@code micrometer.core} (both required transitively), and works: the
 * binding registers its meters from inside a module layer.
 */
class ModuleDescriptorTest {

    @Test
    void theModuleResolvesOnTheModulePathAndRegistersItsMeters() throws Exception {
        List<Path> modulePath = new ArrayList<>(List.of(location(VigilMetrics.class), location(ConnectionManager.class)));
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (name.startsWith("micrometer-") || name.startsWith("slf4j-api") || name.startsWith("HdrHistogram")
                    || name.startsWith("LatencyUtils")) {
                modulePath.add(Path.of(entry));
            }
        }
        ModuleFinder finder = ModuleFinder.of(modulePath.toArray(Path[]::new));
        Configuration configuration = ModuleLayer.boot().configuration()
                .resolve(finder, ModuleFinder.of(), Set.of("dev.vigil.micrometer"));
        ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(configuration,
                ClassLoader.getPlatformClassLoader());

        Module module = layer.findModule("dev.vigil.micrometer").orElseThrow();
        ModuleDescriptor descriptor = module.getDescriptor();
        assertEquals(Set.of("dev.vigil.micrometer"),
                descriptor.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()));
        for (String transitive : List.of("dev.vigil", "micrometer.core")) {
            assertTrue(descriptor.requires().stream().anyMatch(r -> r.name().equals(transitive)
                    && r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE)), transitive);
        }

        // The layer has an SLF4J of its own; give it the no-op provider that slf4j-api carries, not the build's
        // test provider (which the layer cannot see). SLF4J of this JVM was bound long before and is not affected.
        String provider = System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
        try {
            ClassLoader loader = layer.findLoader("dev.vigil.micrometer");
            Object registry = loader.loadClass("io.micrometer.core.instrument.simple.SimpleMeterRegistry")
                    .getConstructor().newInstance();
            Class<?> meterRegistry = loader.loadClass("io.micrometer.core.instrument.MeterRegistry");
            Class<?> bindingClass = loader.loadClass("dev.vigil.micrometer.VigilMetrics");
            assertEquals(module, bindingClass.getModule(), "loaded from the module, not the class path");
            bindingClass.getConstructor(meterRegistry).newInstance(registry);
            Object meters = meterRegistry.getMethod("getMeters").invoke(registry);
            assertTrue(((List<?>) meters).size() > 10, "meters registered from inside the module layer: " + meters);
        } finally {
            if (provider == null) {
                System.clearProperty("slf4j.provider");
            } else {
                System.setProperty("slf4j.provider", provider);
            }
        }
    }

    private static Path location(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
