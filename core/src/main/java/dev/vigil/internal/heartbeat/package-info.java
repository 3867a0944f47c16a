/**
 * The heartbeat: when to PING, when a silent peer is suspect and when it is dead ({@code Liveness}, judged by a
 * fixed or a phi-accrual {@code Detector}), the RTT estimate, and the one timer thread per manager that runs every
 * connection's decision and measures this JVM's own stalls ({@code HeartbeatTimer}, {@code LocalPauses}), so that
 * a stall is forgiven for as long as it was measured and no longer. Every decision is a function of the time it is
 * given; nothing here touches a socket.
 */
@NotNullByDefault
package dev.vigil.internal.heartbeat;

import org.jetbrains.annotations.NotNullByDefault;
