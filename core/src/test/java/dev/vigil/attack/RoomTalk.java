package dev.vigil.attack;

import java.time.Duration;

/**
 * Two honest members of an {@linkplain EchoServer#room room}: one talks, the other hears it through the room.
 * Measures how long a message takes from one to the other, which is what freezes when a deaf member blocks the room.
 */
final class RoomTalk {
    private final HonestClient talker;
    private final HonestClient listener;

    RoomTalk(HonestClient talker, HonestClient listener) {
        this.talker = talker;
        this.listener = listener;
    }

    /**
     * Sends {@code count} messages of about {@code size} characters, {@code every} apart, and {@return the longest time
     * one took to reach the other}
     */
    Duration worstRoundTrip(int count, int size, Duration every) throws InterruptedException {
        long worst = 0;
        String padding = "-".repeat(size);
        for (int i = 0; i < count; i++) {
            String text = "room " + i + " " + padding;
            long start = System.nanoTime();
            talker.send(text);
            listener.expect(text);
            worst = Math.max(worst, System.nanoTime() - start);
            Thread.sleep(every); // the talker's pace
        }
        return Duration.ofNanos(worst);
    }
}
