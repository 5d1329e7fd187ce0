package org.mailtidy.config;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.Node;

/** Names that must be unique in the file (rule names, test names): the line where each was first used. */
final class UniqueNames {
    private final String what;
    private final Map<String, Integer> firstLines = new HashMap<>();

    /** {@code what}: how a problem calls the name, e.g. "rule name". */
    UniqueNames(String what) {
        this.what = what;
    }

    /** {@code name}, read at {@code n}, if it was not used before; else a problem and empty. */
    Optional<String> claim(Optional<String> name, Node n, String path, Problems problems) {
        if (name.isPresent()) {
            Integer first = firstLines.putIfAbsent(name.get(), n.getStartMark().getLine() + 1);
            if (first != null) {
                problems.add(n, path, "duplicate " + what + " " + Text.quote(name.get()) + "; first used at line " + first);
                return Optional.empty();
            }
        }
        return name;
    }
}
