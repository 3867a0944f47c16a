/**
 * Vigil's connection metrics in Micrometer: {@link dev.vigil.micrometer.VigilMetrics}.
 */
module dev.vigil.micrometer {
    requires transitive dev.vigil;
    requires transitive micrometer.core;
    requires static org.jetbrains.annotations;

    exports dev.vigil.micrometer;
}
