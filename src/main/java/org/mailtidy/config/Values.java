package org.mailtidy.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads values by the type the contract expects at their place. Works on the text of each
 * scalar after {@code ${...}} expansion, never on YAML's implicit typing, and records a problem
 * (returning empty) for anything that does not fit.
 */
final class Values {

    /** Reads the (expanded, non-empty) text of a scalar. */
    interface Reader<T> {
        T read(String text) throws BadValue;
    }

    /** What {@code check --no-secrets} puts in place of a secret it did not look at; never used to log in. */
    static final String NOT_CHECKED = "(not checked)";

    private final Problems problems;
    private final EnvExpander env;
    private final boolean secretsNeeded;
    private final List<SecretNotChecked> notChecked = new ArrayList<>();

    Values(Problems problems, Map<String, String> env) {
        this(problems, env, true);
    }

    /** {@code secretsNeeded == false}: secrets from unset variables are noted as not checked instead of errors. */
    Values(Problems problems, Map<String, String> env, boolean secretsNeeded) {
        this.problems = problems;
        this.env = new EnvExpander(env);
        this.secretsNeeded = secretsNeeded;
    }

    boolean secretsNeeded() {
        return secretsNeeded;
    }

    List<SecretNotChecked> notChecked() {
        return List.copyOf(notChecked);
    }

    /** Records a secret source that {@code check --no-secrets} did not look at. */
    void notChecked(Node node, String path, String what) {
        notChecked.add(new SecretNotChecked(path, node.getStartMark().getLine() + 1, what));
    }

    /**
     * A secret written as a literal or {@code ${NAME}}: like {@link #text}, except that when secrets
     * are not needed an unset variable is noted and stands for {@link #NOT_CHECKED}.
     */
    Optional<String> secret(Node node, String path) {
        if (!secretsNeeded && node instanceof ScalarNode s && !isNothing(s)) {
            List<String> unset = env.unsetNames(s.getValue());
            if (!unset.isEmpty()) {
                notChecked(node, path, unset.stream().map(n -> "${" + n + "}").collect(java.util.stream.Collectors.joining(", "))
                        + (unset.size() == 1 ? " is" : " are") + " not set");
                return Optional.of(NOT_CHECKED);
            }
        }
        return text(node, path);
    }

    Problems problems() {
        return problems;
    }

    /** How a node is named in "expected ..., got ..." messages. */
    static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        ScalarNode s = (ScalarNode) node;
        return isNothing(s) ? "nothing" : Text.quote(s.getValue());
    }

    /** {@code key:} with no value at all (not even {@code ""}). */
    static boolean isNothing(Node node) {
        return node instanceof ScalarNode s && s.getValue().isEmpty() && s.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN;
    }

    /** The expanded text of a scalar, which may be empty; {@code what} names what was expected. */
    Optional<String> rawText(Node node, String path, String what) {
        if (!(node instanceof ScalarNode s) || isNothing(s)) {
            problems.add(node, path, "expected " + what + ", got " + describe(node));
            return Optional.empty();
        }
        try {
            return Optional.of(env.expand(s.getValue()));
        } catch (BadValue e) {
            problems.add(node, path, e.getMessage());
            return Optional.empty();
        }
    }

    /** A non-empty string. */
    Optional<String> text(Node node, String path) {
        return read(node, path, "a string", t -> t);
    }

    /** A non-empty scalar converted by {@code reader}; {@code what} names it for wrong types. */
    <T> Optional<T> read(Node node, String path, String what, Reader<T> reader) {
        Optional<String> text = rawText(node, path, what);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        if (text.get().isEmpty()) {
            problems.add(node, path, "expected " + what + ", got an empty string");
            return Optional.empty();
        }
        try {
            return Optional.of(reader.read(text.get()));
        } catch (BadValue e) {
            problems.add(node, path, EnvExpander.references(((ScalarNode) node).getValue()).isEmpty() ? e.getMessage()
                    : redacted(((ScalarNode) node).getValue(), what));
            return Optional.empty();
        }
    }

    /**
     * The message for a value that came from the environment and does not fit: it names the
     * variables, never their values, which may be a secret put under the wrong key.
     */
    private static String redacted(String raw, String what) {
        return "expected " + what + ", got " + Text.quote(raw) + " (the value of "
                + String.join(", ", EnvExpander.references(raw).stream().map(n -> "${" + n + "}").toList())
                + " is not shown, since it comes from the environment)";
    }

    Optional<Boolean> bool(Node node, String path) {
        return read(node, path, "true or false", Syntax::bool);
    }

    Optional<Long> integer(Node node, String path, long min, long max) {
        return read(node, path, "a whole number", t -> Syntax.integer(t, min, max));
    }

    Optional<Duration> duration(Node node, String path) {
        return read(node, path, Syntax.DURATION_EXAMPLES, Syntax::duration);
    }

    Optional<Path> path(Node node, String path) {
        return read(node, path, "a file path", t -> {
            try {
                return Path.of(t);
            } catch (InvalidPathException e) {
                throw new BadValue("invalid path " + Text.quote(t) + ": " + e.getReason());
            }
        });
    }

    Optional<String> choice(Node node, String path, List<String> values) {
        return read(node, path, Text.oneOf(values), t -> Syntax.choice(t, values));
    }

    /** A mailbox name in UTF-8 with {@code /} as separator. */
    Optional<String> mailbox(Node node, String path) {
        return read(node, path, "a mailbox name", Values::checkMailbox);
    }

    static String checkMailbox(String name) throws BadValue {
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                throw new BadValue("mailbox name " + Text.quote(name) + " contains a control character");
            }
        }
        return name;
    }

    /** A mapping with the given keys, or empty after recording the wrong type. */
    Optional<YamlMap> map(Node node, String path, YamlMap.Keys keys) {
        if (!(node instanceof MappingNode m)) {
            problems.add(node, path, "expected a mapping, got " + describe(node));
            return Optional.empty();
        }
        return Optional.of(YamlMap.read(m, path, keys, problems));
    }

    /** The items of a list, or empty after recording the wrong type. */
    Optional<List<Node>> list(Node node, String path, String itemsWhat) {
        if (!(node instanceof SequenceNode s)) {
            problems.add(node, path, "expected a list of " + itemsWhat + ", got " + describe(node));
            return Optional.empty();
        }
        return Optional.of(s.getValue());
    }

    /** One value or a list of them, each read by {@code reader}; empty if any item is wrong. */
    <T> Optional<List<T>> oneOrMany(Node node, String path, String what, Reader<T> reader) {
        if (!(node instanceof SequenceNode s)) {
            return read(node, path, what, reader).map(List::of);
        }
        List<T> out = new ArrayList<>();
        int before = problems.count();
        List<Node> items = s.getValue();
        for (int i = 0; i < items.size(); i++) {
            read(items.get(i), path + "[" + i + "]", what, reader).ifPresent(out::add);
        }
        return problems.count() == before ? Optional.of(out) : Optional.empty();
    }
}
