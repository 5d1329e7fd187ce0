package org.mailtidy.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.mailtidy.rules.Criterion;
import org.mailtidy.rules.Criterion.DateOp;
import org.mailtidy.rules.Criterion.TextField;
import org.mailtidy.rules.Flag;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/** Binds a {@code match:} mapping into a {@link Criterion} tree (table in docs/configuration.md). */
final class CriteriaBinder {

    static final YamlMap.Keys KEYS = YamlMap.Keys.of("from", "to", "cc", "bcc", "subject", "body", "text", "header",
            "seen", "answered", "flagged", "deleted", "draft", "keyword", "older_than", "newer_than",
            "received_before", "received_since", "received_on", "sent_before", "sent_since", "sent_on",
            "sent_older_than", "sent_newer_than", "larger", "smaller", "from_regex", "to_regex", "subject_regex",
            "header_regex", "all_messages", "all", "any", "not").withHints(misplacedRuleKeys());
    /** RFC 5322 section 3.6.8: printable ASCII except the colon. */
    static final Pattern FIELD_NAME = Pattern.compile("[!-9;-~]+");
    private static final String EMPTY_MATCH =
            "empty match; list at least one criterion (to match every message write all_messages: true)";

    private final Values values;

    CriteriaBinder(Values values) {
        this.values = values;
    }

    private static Map<String, String> misplacedRuleKeys() {
        Map<String, String> hints = new java.util.HashMap<>();
        for (String key : List.of("add_flags", "remove_flags", "set_flags", "delete", "trash", "move_to", "copy_to",
                "stop", "schedule", "mailbox", "mailboxes", "account", "name", "enabled", "on")) {
            hints.put(key, Text.quote(key) + " is a key of the rule, not a criterion: move it out of match");
        }
        return hints;
    }

    /** The criteria of a mapping, all of which must hold; a single criterion stands for itself. */
    Optional<Criterion> mapping(Node node, String path) {
        if (node instanceof MappingNode m && m.getValue().isEmpty() || Values.isNothing(node)) {
            values.problems().add(node, path, EMPTY_MATCH);
            return Optional.empty();
        }
        int before = values.problems().count();
        Optional<YamlMap> map = values.map(node, path, KEYS);
        if (map.isEmpty()) {
            return Optional.empty();
        }
        List<Criterion> parts = new ArrayList<>();
        for (String key : map.get().keys()) {
            criterion(key, map.get().value(key).orElseThrow(), map.get().child(key), parts);
        }
        if (values.problems().count() > before || parts.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(parts.size() == 1 ? parts.get(0) : new Criterion.And(parts));
    }

    private void criterion(String key, Node v, String path, List<Criterion> out) {
        switch (key) {
            case "from", "to", "cc", "bcc", "subject", "body", "text" -> searchString(v, path)
                    .ifPresent(s -> out.add(new Criterion.Text(TextField.valueOf(key.toUpperCase(java.util.Locale.ROOT)), s)));
            case "header" -> headers(v, path, false, out);
            case "header_regex" -> headers(v, path, true, out);
            case "seen", "answered", "flagged", "deleted", "draft" -> values.bool(v, path)
                    .ifPresent(b -> out.add(new Criterion.FlagIs(Flag.of("\\" + key), b)));
            case "keyword" -> values.oneOrMany(v, path, "a keyword", FlagSyntax::keyword)
                    .ifPresent(ks -> ks.forEach(k -> out.add(new Criterion.FlagIs(k, true))));
            case "older_than", "newer_than" -> values.duration(v, path)
                    .ifPresent(d -> out.add(new Criterion.Age(d, key.equals("older_than"))));
            case "received_before", "received_since", "received_on" -> date(v, path)
                    .ifPresent(d -> out.add(new Criterion.ReceivedDate(dateOp(key), d)));
            case "sent_before", "sent_since", "sent_on" -> date(v, path)
                    .ifPresent(d -> out.add(new Criterion.SentDate(dateOp(key), d)));
            case "sent_older_than", "sent_newer_than" -> values.read(v, path, Syntax.DAYS_EXAMPLES, Syntax::days)
                    .ifPresent(d -> out.add(new Criterion.SentAge(d, key.equals("sent_older_than"))));
            case "larger", "smaller" -> values.read(v, path, Syntax.SIZE_EXAMPLES, Syntax::size)
                    .ifPresent(n -> out.add(new Criterion.Size(n, key.equals("larger"))));
            case "from_regex", "to_regex", "subject_regex" -> regex(v, path)
                    .ifPresent(p -> out.add(new Criterion.HeaderRegex(regexHeader(key), p)));
            case "all_messages" -> allMessages(v, path).ifPresent(out::add);
            case "all", "any" -> compound(v, path, key.equals("all")).ifPresent(out::add);
            case "not" -> mapping(v, path).ifPresent(c -> out.add(new Criterion.Not(c)));
            default -> throw new IllegalStateException("key not in KEYS: " + key);
        }
    }

    private static DateOp dateOp(String key) {
        return DateOp.valueOf(key.substring(key.indexOf('_') + 1).toUpperCase(java.util.Locale.ROOT));
    }

    private static String regexHeader(String key) {
        return switch (key) {
            case "from_regex" -> "From";
            case "to_regex" -> "To";
            default -> "Subject";
        };
    }

    private Optional<java.time.LocalDate> date(Node v, String path) {
        return values.read(v, path, Syntax.DATE_EXAMPLES, Syntax::date);
    }

    /** A string sent to the server in SEARCH: it must not end the command line early. */
    private Optional<String> searchString(Node v, String path) {
        return values.read(v, path, "a string", CriteriaBinder::checkSearchString);
    }

    private static String checkSearchString(String s) throws BadValue {
        if (s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0) {
            throw new BadValue("a search string cannot contain a line break (IMAP strings cannot, RFC 3501 section 4.3)");
        }
        if (s.indexOf('\0') >= 0) {
            throw new BadValue("a search string cannot contain a NUL character (RFC 3501 section 4.3)");
        }
        return s;
    }

    private void headers(Node v, String path, boolean regex, List<Criterion> out) {
        Optional<YamlMap> map = values.map(v, path, null);
        if (map.isEmpty()) {
            return;
        }
        if (map.get().isEmpty()) {
            values.problems().add(v, path, "expected at least one header name, such as {List-Id: announce}");
            return;
        }
        for (String name : map.get().keys()) {
            String childPath = map.get().child(name);
            if (!FIELD_NAME.matcher(name).matches()) {
                values.problems().add(map.get().keyNode(name), childPath, "invalid header field name " + Text.quote(name)
                        + " (printable ASCII without spaces or colon, RFC 5322 section 3.6.8)");
                continue;
            }
            Node value = map.get().value(name).orElseThrow();
            if (regex) {
                regex(value, childPath).ifPresent(p -> out.add(new Criterion.HeaderRegex(name, p)));
            } else {
                headerValue(value, childPath).ifPresent(s -> out.add(new Criterion.Header(name, s)));
            }
        }
    }

    /** May be empty: {@code HEADER name ""} matches every message that has the field (RFC 3501 section 6.4.4). */
    private Optional<String> headerValue(Node v, String path) {
        Optional<String> text = values.rawText(v, path, "a string");
        try {
            return text.isEmpty() ? text : Optional.of(checkSearchString(text.get()));
        } catch (BadValue e) {
            values.problems().add(v, path, e.getMessage());
            return Optional.empty();
        }
    }

    private Optional<Pattern> regex(Node v, String path) {
        return values.read(v, path, "a regular expression", text -> {
            try {
                return Pattern.compile(text);
            } catch (PatternSyntaxException e) {
                String at = e.getIndex() >= 0 ? " at index " + e.getIndex() : "";
                throw new BadValue("invalid regular expression " + Text.quote(text) + ": " + e.getDescription() + at);
            }
        });
    }

    private Optional<Criterion> allMessages(Node v, String path) {
        Optional<Boolean> b = values.bool(v, path);
        if (b.isPresent() && !b.get()) {
            values.problems().add(v, path, "all_messages can only be true; to match by other criteria, remove it");
            return Optional.empty();
        }
        return b.map(x -> new Criterion.All());
    }

    private Optional<Criterion> compound(Node v, String path, boolean all) {
        Optional<List<Node>> items = values.list(v, path, "criteria mappings");
        if (items.isEmpty()) {
            return Optional.empty();
        }
        if (items.get().isEmpty()) {
            values.problems().add(v, path, "expected a list of criteria mappings, got an empty list");
            return Optional.empty();
        }
        List<Criterion> parts = new ArrayList<>();
        int before = values.problems().count();
        for (int i = 0; i < items.get().size(); i++) {
            mapping(items.get().get(i), path + "[" + i + "]").ifPresent(parts::add);
        }
        if (values.problems().count() > before) {
            return Optional.empty();
        }
        if (parts.size() == 1) {
            return Optional.of(parts.get(0));
        }
        return Optional.of(all ? new Criterion.And(parts) : new Criterion.Or(parts));
    }
}
