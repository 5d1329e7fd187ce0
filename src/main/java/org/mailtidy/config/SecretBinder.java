package org.mailtidy.config;

import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** Reads the password keys shared by accounts and the cluster database. */
final class SecretBinder {

    static final List<String> KEYS = List.of("password", "password_file", "password_command");
    private static final String COMMAND_EXAMPLE = "strings (the command and its arguments), such as [pass, show, mail/work]";

    private SecretBinder() {
    }

    static boolean hasAny(YamlMap map) {
        return KEYS.stream().anyMatch(map::has);
    }

    /**
     * The one password source the mapping gives, {@link SecretSource.None} when it gives none,
     * or empty after recording a problem (two sources, a wrong value).
     */
    static Optional<SecretSource> read(YamlMap map, Values values) {
        List<String> given = KEYS.stream().filter(map::has).toList();
        if (given.size() > 1) {
            String second = given.get(1);
            values.problems().add(map.keyNode(second), map.child(second),
                    "password, password_file and password_command exclude each other; this "
                            + owner(map) + " already has " + given.get(0));
            return Optional.empty();
        }
        if (given.isEmpty()) {
            return Optional.of(new SecretSource.None());
        }
        String key = given.get(0);
        Node node = map.value(key).orElseThrow();
        String path = map.child(key);
        return switch (key) {
            case "password" -> values.secret(node, path).map(SecretSource.Literal::new);
            case "password_file" -> values.path(node, path).map(file -> {
                noteUnread(values, node, path, "the file " + file + " is not read");
                return new SecretSource.FromFile(file);
            });
            default -> command(node, path, values);
        };
    }

    /** Files and commands are never read by check; with --no-secrets it says so. */
    static void noteUnread(Values values, Node node, String path, String what) {
        if (!values.secretsNeeded()) {
            values.notChecked(node, path, what);
        }
    }

    private static String owner(YamlMap map) {
        return map.path().startsWith("cluster") ? "cluster" : "account";
    }

    private static Optional<SecretSource> command(Node node, String path, Values values) {
        Optional<List<Node>> items = values.list(node, path, COMMAND_EXAMPLE);
        if (items.isEmpty()) {
            return Optional.empty();
        }
        if (items.get().isEmpty()) {
            values.problems().add(node, path, "expected a list of " + COMMAND_EXAMPLE + ", got an empty list");
            return Optional.empty();
        }
        // messages show the command as written: an argument from ${NAME} may carry a secret
        List<String> shown = items.get().stream().map(n -> n instanceof ScalarNode s ? s.getValue() : "?").toList();
        return values.oneOrMany(node, path, "a string", t -> t).map(argv -> {
            noteUnread(values, node, path, "the command " + shown + " is not run");
            return new SecretSource.FromCommand(argv, shown);
        });
    }
}
