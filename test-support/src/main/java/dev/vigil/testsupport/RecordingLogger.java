package dev.vigil.testsupport;

import org.jetbrains.annotations.Nullable;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;

import java.io.Serial;

/** A logger that adds every event at or above the threshold to {@link Logs}. */
final class RecordingLogger extends LegacyAbstractLogger {
    @Serial
    private static final long serialVersionUID = 1L;

    private final int threshold;

    RecordingLogger(String name, Level threshold) {
        this.name = name;
        this.threshold = threshold.toInt();
    }

    @Override
    public boolean isTraceEnabled() {
        return Level.TRACE.toInt() >= threshold;
    }

    @Override
    public boolean isDebugEnabled() {
        return Level.DEBUG.toInt() >= threshold;
    }

    @Override
    public boolean isInfoEnabled() {
        return Level.INFO.toInt() >= threshold;
    }

    @Override
    public boolean isWarnEnabled() {
        return Level.WARN.toInt() >= threshold;
    }

    @Override
    public boolean isErrorEnabled() {
        return Level.ERROR.toInt() >= threshold;
    }

    @Override
    protected @Nullable String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, @Nullable Marker marker, @Nullable String pattern,
                                               @Nullable Object @Nullable [] arguments,
                                               @Nullable Throwable throwable) {
        if (level.toInt() < threshold) {
            return;
        }
        Logs.record(new LogRecord(System.currentTimeMillis(), level, name, Thread.currentThread().getName(), pattern,
                arguments, throwable));
    }
}
