/**
 * Sessions that survive reconnects, without I/O: the replay buffer, the receive-side counter, the server's session
 * table, the client's half of the resume, the per-connection facade and the codecs of the session's HELLO options and
 * frames. Nothing here touches a socket, starts a thread or reads a clock: every decision about time takes
 * {@code now} (nanoseconds of the connection's monotonic ticker) as an argument. {@code docs/protocol.md}, section 5 is
 * the wire format, {@code docs/sessions.md} the guarantees.
 *
 * <h2>How the connection core calls it</h2>
 * <ul>
 *   <li><b>Manager.</b> With a policy, a server side holds one {@link dev.vigil.internal.session.SessionTable} (ids
 *       and epoch from a {@code SecureRandom}); a reconnecting client holds one
 *       {@link dev.vigil.internal.session.ClientSession} for its whole life.</li>
 *   <li><b>HELLO out.</b> Server: add {@code table.offer().encode()}. Client: add {@code client.request().encode()},
 *       made right before each connection's HELLO.</li>
 *   <li><b>HELLO in.</b> Server with option 6: {@code table.admit(decodeRequest(...), connection, now)}; write
 *       {@code answer().encode()} as the first frame, or close ({@code Violation}: PROTOCOL_ERROR, {@code Full}:
 *       REJECTED). Client with option 5: the first frame must be SESSION; {@code client.onAnswer(decodeAnswer(...))}.
 *       Either way: {@link dev.vigil.internal.session.Settlement#confirm} the released entries, hand back the refused
 *       ones, make a {@link dev.vigil.internal.session.SessionChannel} of the link, then the listener events.</li>
 *   <li><b>DATA in.</b> {@code channel.onData(now)}: deliver on {@code DELIVER}, drop otherwise.</li>
 *   <li><b>ACK in.</b> {@code Settlement.confirm(channel.onAck(payload, off, len))}, outside locks.</li>
 *   <li><b>Send.</b> Connected: {@code out.room(size)}, then {@code out.append}, or backpressure on FULL.
 *       Disconnected: {@code out.appendOrOverflow}, failing the send on null.</li>
 *   <li><b>Write.</b> Per batch: {@code channel.piggyback()} first, then {@code channel.pull(max)} as DATA frames;
 *       complete each entry's {@code written} future after the write.</li>
 *   <li><b>Timer.</b> {@code channel.onTimer(now)} as a control frame; {@code channel.nextDeadline()} joins the
 *       connection's deadline. Server: {@code table.poll(now)} at {@code table.nextDeadline()}.</li>
 *   <li><b>End.</b> Graceful (a CLOSE frame either way): {@code piggyback()} before CLOSE, then
 *       {@code table.detach(link, false, now)} or {@code client.end()}, failing what they return. Abnormal: server
 *       {@code table.detach(link, true, now)}; client keeps its session for the next connection.</li>
 * </ul>
 */
@NotNullByDefault
package dev.vigil.internal.session;

import org.jetbrains.annotations.NotNullByDefault;
