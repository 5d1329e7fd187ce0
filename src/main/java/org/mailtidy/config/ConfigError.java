package org.mailtidy.config;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.Objects;

/**
 * One problem in a configuration file.
 *
 * @param file    the file as named to the loader
 * @param line    1-based line, or 0 when the problem concerns the file as a whole (it cannot be read)
 * @param column  1-based column, or 0 with line 0
 * @param keyPath where in the document, such as {@code rules[2].match.older_than}; empty when the
 *                problem is not inside a key (a YAML syntax error, an empty file)
 * @param message what was expected and, where it helps, the closest valid spelling
 */
public record ConfigError(Path file, int line, int column, String keyPath, String message) {

    static final Comparator<ConfigError> BY_POSITION =
            Comparator.comparingInt(ConfigError::line).thenComparingInt(ConfigError::column);

    public ConfigError {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(keyPath, "keyPath");
        Objects.requireNonNull(message, "message");
    }

    /** {@code file:line:column: keyPath: message}, leaving out the parts that are absent. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder().append(file);
        if (line > 0) {
            s.append(':').append(line).append(':').append(column);
        }
        s.append(": ");
        if (!keyPath.isEmpty()) {
            s.append(keyPath).append(": ");
        }
        return s.append(message).toString();
    }
}
