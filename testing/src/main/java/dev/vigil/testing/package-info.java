/**
 * Tools for testing code built on Vigil.
 *
 * <ul>
 *   <li>{@link dev.vigil.testing.EmbeddedConnection}: a real Vigil connection with your codec, listener and
 *       heartbeat policy, driven without a socket on a fake clock: feed it the peer's bytes or frames, read what it
 *       writes, advance time.</li>
 *   <li>{@link dev.vigil.testing.Frame} and {@link dev.vigil.testing.Hello}: the peer's side of the wire format,
 *       so a test scripts a peer without knowing the byte layout.</li>
 *   <li>{@link dev.vigil.testing.RecordingListener}: a listener that records every event for a test to take and
 *       assert.</li>
 *   <li>{@link dev.vigil.testing.FaultProxy}: a TCP proxy between a real client and server that injects latency,
 *       throttling, blackholes, cuts, half closes and resets.</li>
 * </ul>
 */
@NotNullByDefault
package dev.vigil.testing;

import org.jetbrains.annotations.NotNullByDefault;
