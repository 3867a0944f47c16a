package dev.vigil.examples.fleet;

import dev.vigil.MessageCodec;

import java.nio.ByteBuffer;

/**
 * One sensor reading: 12 bytes on the wire.
 *
 * @param sensor  which sensor sent it
 * @param seq     the sensor's running count of readings
 * @param celsius the measurement
 */
public record Reading(int sensor, int seq, float celsius) {

    /**
     * The codec: Vigil's binary {@code bytes()} codec with this record mapped on top. Vigil does the framing (a length
     * prefix per message) and the heartbeats; the mapping only packs three numbers, so a fleet of thousands stays
     * cheap on the wire. A JSON mapper would plug in the same way.
     */
    public static final MessageCodec<Reading> CODEC = MessageCodec.bytes().map(
            bytes -> {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                return new Reading(b.getInt(), b.getInt(), b.getFloat());
            },
            r -> ByteBuffer.allocate(12).putInt(r.sensor()).putInt(r.seq()).putFloat(r.celsius()).array());
}
