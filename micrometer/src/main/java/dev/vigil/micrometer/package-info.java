/**
 * Vigil's {@link dev.vigil.MetricsObserver} bound to Micrometer: {@link dev.vigil.micrometer.VigilMetrics}.
 *
 * <p>Everything in this package is non-null unless marked {@link org.jetbrains.annotations.Nullable}.
 */
@NotNullByDefault
package dev.vigil.micrometer;

import org.jetbrains.annotations.NotNullByDefault;
