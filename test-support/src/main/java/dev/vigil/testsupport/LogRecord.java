package dev.vigil.testsupport;

import org.jetbrains.annotations.Nullable;
import org.slf4j.event.Level;
import org.slf4j.helpers.MessageFormatter;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * One log event as it was logged. The message is formatted when first asked for, not when logged, so recording costs
 * little more than the call.
 *
 * @param timeMillis when, in milliseconds since the epoch
 * @param level      the level
 * @param logger     the logger's name
 * @param thread     the name of the thread that logged it
 * @param pattern    the message pattern ({@code "{} closing: {}"})
 * @param arguments  the pattern's arguments
 * @param throwable  the exception logged with it, if any
 */
public record LogRecord(long timeMillis, Level level, String logger, String thread, @Nullable String pattern,
                        @Nullable Object @Nullable [] arguments, @Nullable Throwable throwable) {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());

    /** {@return the message with its arguments filled in} */
    public String message() {
        return String.valueOf(MessageFormatter.basicArrayFormat(pattern, arguments));
    }

    /** {@return the logger's simple name: the part after the last dot} */
    public String shortLogger() {
        return logger.substring(logger.lastIndexOf('.') + 1);
    }

    /** {@return the line as slf4j-simple would print it, with the stack trace if there is one} */
    public String format() {
        StringBuilder line = new StringBuilder()
                .append(TIME.format(Instant.ofEpochMilli(timeMillis))).append(" [").append(thread).append("] ")
                .append(level).append(' ').append(shortLogger()).append(" - ").append(message());
        if (throwable != null) {
            StringWriter trace = new StringWriter();
            throwable.printStackTrace(new PrintWriter(trace));
            line.append(System.lineSeparator()).append(trace.toString().stripTrailing());
        }
        return line.toString();
    }

    @Override
    public String toString() {
        return level + " " + shortLogger() + " - " + message();
    }
}
