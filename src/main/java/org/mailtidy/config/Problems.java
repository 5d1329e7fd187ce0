package org.mailtidy.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.Node;

/** Collects every problem found while reading one file, so that all are reported at once. */
final class Problems {

    private final Path file;
    private final List<ConfigError> errors = new ArrayList<>();

    Problems(Path file) {
        this.file = file;
    }

    void add(Mark mark, String keyPath, String message) {
        int line = mark == null ? 1 : mark.getLine() + 1;
        int column = mark == null ? 1 : mark.getColumn() + 1;
        errors.add(new ConfigError(file, line, column, keyPath, message));
    }

    /** At 0-based {@code line} and {@code column}, like a {@link Mark}. */
    void add(int line, int column, String keyPath, String message) {
        errors.add(new ConfigError(file, line + 1, column + 1, keyPath, message));
    }

    void add(Node node, String keyPath, String message) {
        add(node == null ? null : node.getStartMark(), keyPath, message);
    }

    int count() {
        return errors.size();
    }

    /** Throws with every problem, sorted by position, if there is any. */
    void throwIfAny() throws ConfigException {
        if (!errors.isEmpty()) {
            List<ConfigError> sorted = new ArrayList<>(errors);
            sorted.sort(ConfigError.BY_POSITION);
            throw new ConfigException(sorted);
        }
    }
}
