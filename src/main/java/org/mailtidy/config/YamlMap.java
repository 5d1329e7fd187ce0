package org.mailtidy.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * A YAML mapping whose keys have been checked: each key is a plain string, appears once, and (for
 * a mapping with a fixed set of keys) is known. Unknown and repeated keys are reported and
 * skipped, so reading goes on with the rest.
 */
final class YamlMap {

    /** The valid keys of one kind of mapping, and hints for keys that belong somewhere else. */
    record Keys(List<String> valid, Map<String, String> misplaced) {
        static Keys of(String... valid) {
            return new Keys(List.of(valid), Map.of());
        }

        Keys withHints(Map<String, String> misplaced) {
            return new Keys(valid, misplaced);
        }
    }

    private final MappingNode node;
    private final String path;
    private final Problems problems;
    private final int problemsBefore;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    /** Valid keys suggested for misspelt ones: their absence needs no second error. */
    private final Set<String> suggested = new java.util.HashSet<>();

    private YamlMap(MappingNode node, String path, Problems problems) {
        this.node = node;
        this.path = path;
        this.problems = problems;
        this.problemsBefore = problems.count();
    }

    /** A mapping with the given keys; {@code keys == null} accepts any key (header names, account ids). */
    static YamlMap read(MappingNode node, String path, Keys keys, Problems problems) {
        YamlMap map = new YamlMap(node, path, problems);
        for (NodeTuple t : node.getValue()) {
            map.addEntry(t, keys);
        }
        return map;
    }

    private void addEntry(NodeTuple t, Keys keys) {
        if (!(t.getKeyNode() instanceof ScalarNode keyNode)) {
            problems.add(t.getKeyNode(), path, "expected a plain key, got " + Values.describe(t.getKeyNode()));
            return;
        }
        String key = keyNode.getValue();
        String keyPath = child(key);
        NodeTuple first = entries.get(key);
        if (first != null) {
            problems.add(keyNode, keyPath, "duplicate key; first at line " + (first.getKeyNode().getStartMark().getLine() + 1));
            return;
        }
        if (keys != null && !keys.valid().contains(key)) {
            problems.add(keyNode, keyPath, unknownKeyMessage(key, keys));
            DidYouMean.closest(key, keys.valid()).ifPresent(suggested::add);
            return;
        }
        entries.put(key, t);
    }

    private static String unknownKeyMessage(String key, Keys keys) {
        String hint = keys.misplaced().get(key);
        if (hint != null) {
            return "unknown key; " + hint;
        }
        return DidYouMean.closest(key, keys.valid())
                .map(c -> "unknown key; did you mean " + Text.quote(c) + "?")
                .orElse("unknown key; expected one of " + String.join(", ", keys.valid()));
    }

    String path() {
        return path;
    }

    /**
     * Whether a problem was recorded since this mapping began to be read: in its keys or in any value read
     * from it. A binder then returns nothing rather than an object built from the fields that did bind.
     */
    boolean hasProblems() {
        return problems.count() > problemsBefore;
    }

    MappingNode node() {
        return node;
    }

    String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
        return entries.containsKey(key);
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    Set<String> keys() {
        return entries.keySet();
    }

    Optional<Node> value(String key) {
        return Optional.ofNullable(entries.get(key)).map(NodeTuple::getValueNode);
    }

    /** The key's node, for errors about the key itself (a conflict with another key). */
    Node keyNode(String key) {
        return entries.get(key).getKeyNode();
    }

    /** Whether some misspelt key was taken for one of {@code valid}: its absence is already explained. */
    boolean misspelt(java.util.Collection<String> valid) {
        return valid.stream().anyMatch(suggested::contains);
    }

    /** The value, or an error at the mapping if the key is missing. */
    Optional<Node> required(String key) {
        Optional<Node> value = value(key);
        if (value.isEmpty() && !suggested.contains(key)) {
            problems.add(node, path, "missing required key " + Text.quote(key));
        }
        return value;
    }
}
