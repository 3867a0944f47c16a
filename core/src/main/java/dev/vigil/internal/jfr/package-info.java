/**
 * Vigil's JDK Flight Recorder events and the facade the connection machinery calls, {@link
 * dev.vigil.internal.jfr.VigilEvents}. The events are in the category "Vigil", named {@code dev.vigil.*}, and
 * enabled by default, so any recording ({@code -XX:StartFlightRecording}, {@code jcmd <pid> JFR.start}) has them;
 * docs/observability.md shows how to record and read them.
 */
@NotNullByDefault
package dev.vigil.internal.jfr;

import org.jetbrains.annotations.NotNullByDefault;
