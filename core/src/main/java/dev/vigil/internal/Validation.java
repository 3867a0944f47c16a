package dev.vigil.internal;

import org.jetbrains.annotations.Nullable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects every invalid setting of one configuration, then throws once with all of them, each in the form
 * {@code name: value (expected: what)}.
 */
public final class Validation {
    private final String what;
    private final List<String> errors = new ArrayList<>();

    /**
     * Starts a validation.
     *
     * @param what the configuration being checked, named in the message
     */
    public Validation(String what) {
        this.what = what;
    }

    /**
     * Records an error unless {@code ok}.
     *
     * @param ok       whether the value is valid
     * @param name     the setting
     * @param value    its value
     * @param expected what it should be
     */
    public void check(boolean ok, String name, @Nullable Object value, String expected) {
        if (!ok) {
            errors.add(name + ": " + value + " (expected: " + expected + ")");
        }
    }

    /**
     * Records an error unless the value is set.
     *
     * @param name  the setting
     * @param value its value
     * @return whether it is set
     */
    public boolean notNull(String name, @Nullable Object value) {
        check(value != null, name, null, "not null");
        return value != null;
    }

    /**
     * Records an error unless the duration is above zero.
     *
     * @param name  the setting
     * @param value its value
     */
    public void positive(String name, @Nullable Duration value) {
        if (notNull(name, value)) {
            check(value.isPositive(), name, value, "longer than zero");
        }
    }

    /**
     * Records an error if the duration is below zero.
     *
     * @param name  the setting
     * @param value its value
     */
    public void notNegative(String name, @Nullable Duration value) {
        if (notNull(name, value)) {
            check(!value.isNegative(), name, value, "zero or longer");
        }
    }

    /**
     * Throws if any error was recorded.
     *
     * @throws IllegalArgumentException listing every error
     */
    public void throwIfAny() {
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(what + ": " + String.join("; ", errors));
        }
    }
}
