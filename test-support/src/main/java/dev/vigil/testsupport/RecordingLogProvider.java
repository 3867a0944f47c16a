package dev.vigil.testsupport;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An SLF4J 2 provider that records log events in memory ({@link Logs}) instead of printing them. Selected with
 * {@code -Dslf4j.provider=dev.vigil.testsupport.RecordingLogProvider}. Events below the level in the system property
 * {@code vigil.test.logLevel} (default {@code INFO}) are not recorded: {@code -Dvigil.test.logLevel=DEBUG} records
 * Vigil's debug lines too, for a failing test under study.
 */
public final class RecordingLogProvider implements SLF4JServiceProvider {
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new BasicMDCAdapter();
    private final ConcurrentHashMap<String, Logger> loggers = new ConcurrentHashMap<>();
    private final ILoggerFactory factory = name -> loggers.computeIfAbsent(name,
            n -> new RecordingLogger(n, threshold()));

    /** Makes the provider; SLF4J calls this. */
    public RecordingLogProvider() {
    }

    private static Level threshold() {
        String level = System.getProperty("vigil.test.logLevel", "INFO");
        return Level.valueOf(level.trim().toUpperCase(Locale.ROOT));
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
    }
}
