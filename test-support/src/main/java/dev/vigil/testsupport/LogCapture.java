package dev.vigil.testsupport;

import org.jetbrains.annotations.Nullable;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

import java.io.PrintStream;
import java.util.List;

/**
 * Clears {@link Logs} before each test, and prints what the test logged only if it failed. Registered for every test
 * by JUnit's extension auto-detection (the build turns it on), so a green run prints the test summary and nothing of
 * the log lines that fault tests provoke on purpose, while a red test shows its log next to its failure.
 */
public final class LogCapture implements BeforeEachCallback, TestWatcher {

    /** Makes the extension; JUnit calls this. */
    public LogCapture() {
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Logs.clear();
    }

    @Override
    public void testFailed(ExtensionContext context, @Nullable Throwable cause) {
        List<LogRecord> lines = Logs.all();
        long dropped = Logs.dropped();
        PrintStream err = System.err;
        StringBuilder out = new StringBuilder();
        out.append("---- log of failed test ").append(context.getDisplayName()).append(" in ")
                .append(context.getRequiredTestClass().getName()).append(": ").append(lines.size()).append(" lines")
                .append(dropped > 0 ? " (" + dropped + " older ones dropped)" : "").append(" ----")
                .append(System.lineSeparator());
        for (LogRecord line : lines) {
            out.append(line.format()).append(System.lineSeparator());
        }
        out.append("---- end of log ----");
        err.println(out);
    }
}
