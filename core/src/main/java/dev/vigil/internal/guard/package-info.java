/**
 * Defences against hostile and broken peers, as pure functions of {@code now}: rate limits, control-frame floods,
 * frames that never complete, writes that make no progress, the memory held by partial frames, read-buffer growth
 * and aggregated warnings. No class here does I/O, starts a thread or reads a clock: the connection core passes the
 * time in (from its {@code Ticker}) and acts on the {@link dev.vigil.internal.guard.Verdict} it gets back.
 */
@NotNullByDefault
package dev.vigil.internal.guard;

import org.jetbrains.annotations.NotNullByDefault;
