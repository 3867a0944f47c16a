/**
 * The machinery behind {@link dev.vigil.cluster.Presence} and {@link dev.vigil.cluster.Backplane#inMemory()}: the
 * presence table (a pure function of {@code now}), the tracker that feeds it from connections and the backplane, and
 * the wrappers that connect it to a {@link dev.vigil.ConnectionManager}. Not exported.
 */
@NotNullByDefault
package dev.vigil.internal.presence;

import org.jetbrains.annotations.NotNullByDefault;
