package dev.vigil.examples;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The examples' command-line options: {@code --name value} pairs, {@code --flag}s and positional words, checked
 * against a list of {@link Spec}s so that a typo is an error, not a silently ignored option. Hand-written on purpose:
 * the examples need nothing but Vigil and a logger.
 */
public final class Options {

    /**
     * One option an example accepts.
     *
     * @param name         the name without the dashes ({@code sensors} for {@code --sensors})
     * @param defaultValue the value when the option is not given ({@code null}: no default); ignored for flags
     * @param help         one line for {@code --help}
     * @param flag         {@code true} for an option that takes no value
     */
    public record Spec(String name, String defaultValue, String help, boolean flag) {
        /** {@return an option that takes a value} */
        public static Spec of(String name, String defaultValue, String help) {
            return new Spec(name, defaultValue, help, false);
        }

        /** {@return an option that takes no value} */
        public static Spec flag(String name, String help) {
            return new Spec(name, "false", help, true);
        }
    }

    private final Map<String, String> values;
    private final List<String> positional;

    private Options(Map<String, String> values, List<String> positional) {
        this.values = values;
        this.positional = positional;
    }

    /**
     * Parses the arguments against the specs.
     *
     * @throws IllegalArgumentException naming the option that is unknown or lacks its value
     */
    public static Options parse(List<String> args, List<Spec> specs) {
        Map<String, Spec> byName = new LinkedHashMap<>();
        specs.forEach(s -> byName.put(s.name(), s));
        Map<String, String> values = new LinkedHashMap<>();
        specs.forEach(s -> values.put(s.name(), s.defaultValue()));
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                positional.add(arg);
                continue;
            }
            String name = arg.substring(2);
            String inline = null;
            int eq = name.indexOf('=');
            if (eq >= 0) { // --sensors=50 works too
                inline = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            Spec spec = byName.get(name);
            if (spec == null) {
                throw new IllegalArgumentException("unknown option --" + name + "; this example accepts: "
                        + (byName.isEmpty() ? "no options" : "--" + String.join(", --", byName.keySet())));
            }
            if (spec.flag()) {
                values.put(name, inline == null ? "true" : inline);
            } else if (inline != null) {
                values.put(name, inline);
            } else if (i + 1 < args.size()) {
                values.put(name, args.get(++i));
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value (" + spec.help() + ")");
            }
        }
        return new Options(values, positional);
    }

    /** {@return the words that were not options, such as {@code server} in {@code echo server --port 7000}} */
    public List<String> positional() {
        return positional;
    }

    /** {@return the option's value as given, or its default} */
    public String string(String name) {
        String value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    /** {@return the option as an int} */
    public int integer(String name) {
        try {
            return Integer.parseInt(string(name).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number, not '" + string(name) + "'");
        }
    }

    /** {@return the option as a double} */
    public double number(String name) {
        try {
            return Double.parseDouble(string(name).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a number, not '" + string(name) + "'");
        }
    }

    /** {@return whether the flag was given} */
    public boolean flag(String name) {
        return Boolean.parseBoolean(string(name));
    }

    /**
     * {@return the option as a duration} Accepts {@code 500ms}, {@code 2s}, {@code 1.5s}, {@code 1m}; a bare number
     * is seconds.
     */
    public Duration duration(String name) {
        return parseDuration(name, string(name));
    }

    static Duration parseDuration(String name, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        double factorMillis;
        if (t.endsWith("ms")) {
            factorMillis = 1;
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("s")) {
            factorMillis = 1000;
            t = t.substring(0, t.length() - 1);
        } else if (t.endsWith("m")) {
            factorMillis = 60_000;
            t = t.substring(0, t.length() - 1);
        } else {
            factorMillis = 1000;
        }
        try {
            double millis = Double.parseDouble(t) * factorMillis;
            if (millis < 0) {
                throw new NumberFormatException();
            }
            return Duration.ofNanos(Math.round(millis * 1_000_000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a duration such as 500ms, 2s or 1.5s, not '"
                    + text + "'");
        }
    }

    /** {@return the help text for a list of specs, one option a line} */
    public static String describe(List<Spec> specs) {
        StringBuilder sb = new StringBuilder();
        for (Spec s : specs) {
            String value = s.defaultValue() == null ? "value" : s.defaultValue();
            String left = "--" + s.name() + (s.flag() ? "" : " <" + value + ">");
            sb.append(String.format("      %-24s %s%n", left, s.help()));
        }
        return sb.toString();
    }
}
