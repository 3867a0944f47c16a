/**
 * Test-only helpers for exercising Vigil over real sockets, notably {@link dev.vigil.testing.FaultProxy}, a TCP
 * proxy that injects latency, throttling, blackholes, cuts, half closes and resets between a client and a server.
 */
package dev.vigil.testing;
