package org.mailtidy.config;

import java.util.List;
import java.util.stream.Collectors;

/** A configuration file that cannot be used; {@link #getMessage()} lists every problem, one per line. */
public final class ConfigException extends Exception {

    private final transient List<ConfigError> errors;

    public ConfigException(List<ConfigError> errors) {
        super(errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n")));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one error");
        }
        this.errors = List.copyOf(errors);
    }

    /** The problems, sorted by position in the file. */
    public List<ConfigError> errors() {
        return errors;
    }
}
