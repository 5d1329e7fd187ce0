package org.mailtidy.config;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mailtidy.rules.Flag;
import org.yaml.snakeyaml.nodes.Node;

/** Binds one entry of {@code tests:} (contract section "tests"). */
final class ExampleBinder {

    private static final List<String> MESSAGE_ONLY_KEYS = List.of("from", "to", "cc", "subject", "headers", "received",
            "sent", "size", "body");

    private static final YamlMap.Keys KEYS = YamlMap.Keys.of("name", "account", "mailbox", "message", "expect")
            .withHints(misplaced());
    private static final YamlMap.Keys MESSAGE_KEYS = YamlMap.Keys.of("from", "to", "cc", "subject", "headers",
            "flags", "received", "sent", "size", "body").withHints(Map.of(
                    "result", "\"result\" is an expectation: put it under expect",
                    "rules", "\"rules\" is an expectation: put it under expect",
                    "copied_to", "\"copied_to\" is an expectation: put it under expect",
                    "moved_to", "\"moved_to\" is an expectation: put it under expect"));
    private static final YamlMap.Keys EXPECT_KEYS = YamlMap.Keys.of("rules", "result", "moved_to", "flags",
            "copied_to").withHints(Map.of(
                    "received", "\"received\" belongs to the message: put it under message",
                    "from", "\"from\" belongs to the message: put it under message",
                    "subject", "\"subject\" belongs to the message: put it under message"));
    private static final List<String> RESULTS = List.of("kept", "deleted", "trashed", "moved");
    /** Header fields that have their own key in {@code message}. */
    private static final List<String> OWN_KEYS = List.of("from", "to", "cc", "subject", "date");
    static final String TIME_EXAMPLES = "a date (2026-01-31), a date-time (2026-01-31 14:30, 2026-01-31T14:30:00+01:00)"
            + " or a duration ago (120d ago, 2h ago, now)";
    private static final Pattern AGO = Pattern.compile("(\\S+)\\s+ago");
    private static final Pattern DATE_TIME = Pattern.compile(
            "([0-9]{4}-[0-9]{2}-[0-9]{2})[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?\\s*(Z|[+-][0-9]{2}:?[0-9]{2})?");

    private final Values values;
    private final KnownAccounts accounts;
    /** Names of the file's rules; empty when some rule could not be read (then names are not checked). */
    private final Optional<Set<String>> ruleNames;
    private final UniqueNames names = new UniqueNames("test name");

    ExampleBinder(Values values, Set<String> accountIds, Optional<Set<String>> ruleNames) {
        this.values = values;
        this.accounts = new KnownAccounts(accountIds);
        this.ruleNames = ruleNames;
    }

    private static Map<String, String> misplaced() {
        Map<String, String> hints = new HashMap<>();
        for (String key : MESSAGE_ONLY_KEYS) {
            hints.put(key, Text.quote(key) + " belongs to the message: put it under message");
        }
        for (String key : List.of("rules", "result", "moved_to", "copied_to")) {
            hints.put(key, Text.quote(key) + " is an expectation: put it under expect");
        }
        hints.put("flags", "\"flags\" goes under message (the flags it has) or under expect (the flags it must end with)");
        hints.put("match", "a test has no match; its message goes under message, what must happen under expect");
        return hints;
    }

    Optional<Example> bind(Node node, String path) {
        return values.map(node, path, KEYS).flatMap(this::example);
    }

    private Optional<Example> example(YamlMap m) {
        String name = m.required("name").flatMap(n -> name(n, m.child("name"))).orElse(null);
        String account = account(m).orElse(null);
        String mailbox = m.value("mailbox").flatMap(n -> values.mailbox(n, m.child("mailbox"))).orElse("INBOX");
        Example.Message message = m.required("message").flatMap(n -> message(n, m.child("message"))).orElse(null);
        Example.Expectation expect = m.required("expect").flatMap(n -> expectation(n, m.child("expect"))).orElse(null);
        if (m.hasProblems()) {
            return Optional.empty();
        }
        return Optional.of(new Example(name, account, mailbox, message, expect, m.node().getStartMark().getLine() + 1));
    }

    private Optional<String> name(Node n, String path) {
        return names.claim(values.text(n, path), n, path, values.problems());
    }

    /** As for rules: may be omitted when there is exactly one account. */
    private Optional<String> account(YamlMap m) {
        if (!m.has("account")) {
            return accounts.implicit(m, values.problems());
        }
        return values.read(m.value("account").orElseThrow(), m.child("account"), "an account id", id -> {
            if (!accounts.contains(id)) {
                throw accounts.unknown(id);
            }
            return id;
        });
    }

    private Optional<Example.Message> message(Node node, String path) {
        return values.map(node, path, MESSAGE_KEYS).flatMap(this::message);
    }

    private Optional<Example.Message> message(YamlMap m) {
        Optional<String> from = field(m, "from");
        Optional<String> to = field(m, "to");
        Optional<String> cc = field(m, "cc");
        Optional<String> subject = field(m, "subject");
        Map<String, String> headers = m.value("headers").map(n -> headers(n, m.child("headers"))).orElse(Map.of());
        Set<Flag> flags = m.value("flags").flatMap(n -> flags(n, m.child("flags"))).orElse(Set.of());
        ExampleTime received = m.required("received").flatMap(n -> time(n, m.child("received"))).orElse(null);
        Optional<ExampleTime> sent = m.value("sent").flatMap(n -> time(n, m.child("sent")));
        long size = m.value("size").flatMap(n -> values.read(n, m.child("size"), Syntax.SIZE_EXAMPLES, Syntax::size))
                .orElse(Example.Message.DEFAULT_SIZE);
        String body = m.value("body").flatMap(n -> values.rawText(n, m.child("body"), "the body text")).orElse("");
        if (m.hasProblems()) {
            return Optional.empty();
        }
        return Optional.of(new Example.Message(from, to, cc, subject, headers, flags, received, sent, size, body));
    }

    /** A header field's value: may be empty, never more than one line. */
    private Optional<String> field(YamlMap m, String key) {
        return m.value(key).flatMap(n -> headerValue(n, m.child(key)));
    }

    private Optional<String> headerValue(Node n, String path) {
        Optional<String> text = values.rawText(n, path, "a string");
        if (text.isPresent() && (text.get().indexOf('\n') >= 0 || text.get().indexOf('\r') >= 0)) {
            values.problems().add(n, path, "a header field's value is one line; write it without line breaks");
            return Optional.empty();
        }
        return text;
    }

    private Map<String, String> headers(Node node, String path) {
        Optional<YamlMap> map = values.map(node, path, null);
        if (map.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : map.get().keys()) {
            String childPath = map.get().child(name);
            if (!CriteriaBinder.FIELD_NAME.matcher(name).matches()) {
                values.problems().add(map.get().keyNode(name), childPath, "invalid header field name " + Text.quote(name)
                        + " (printable ASCII without spaces or colon, RFC 5322 section 3.6.8)");
                continue;
            }
            String lower = name.toLowerCase(java.util.Locale.ROOT);
            if (OWN_KEYS.contains(lower)) {
                values.problems().add(map.get().keyNode(name), childPath, name + " has its own key: write "
                        + (lower.equals("date") ? "sent" : lower) + ": under message instead");
                continue;
            }
            headerValue(map.get().value(name).orElseThrow(), childPath).ifPresent(v -> out.put(name, v));
        }
        return out;
    }

    private Optional<Set<Flag>> flags(Node n, String path) {
        if (Values.isNothing(n)) {
            values.problems().add(n, path, "expected a list of flags such as [\\Seen, $Junk], got nothing (write [] for none)");
            return Optional.empty();
        }
        return values.oneOrMany(n, path, "a flag", FlagSyntax::flag).map(LinkedHashSet::new);
    }

    private Optional<ExampleTime> time(Node n, String path) {
        return values.read(n, path, TIME_EXAMPLES, ExampleBinder::time);
    }

    static ExampleTime time(String text) throws BadValue {
        String t = text.strip();
        if (t.equals("now")) {
            return new ExampleTime.Ago(Duration.ZERO);
        }
        Matcher ago = AGO.matcher(t);
        if (ago.matches()) {
            try {
                return new ExampleTime.Ago(Syntax.duration(ago.group(1)));
            } catch (BadValue e) {
                throw BadValue.expected(TIME_EXAMPLES, text);
            }
        }
        Matcher dt = DATE_TIME.matcher(t);
        if (dt.matches()) {
            try {
                LocalDateTime local = Syntax.date(dt.group(1)).atTime(Integer.parseInt(dt.group(2)),
                        Integer.parseInt(dt.group(3)), dt.group(4) == null ? 0 : Integer.parseInt(dt.group(4)));
                Optional<ZoneOffset> offset = Optional.ofNullable(dt.group(5)).map(ZoneOffset::of);
                return new ExampleTime.At(local, offset);
            } catch (DateTimeException e) {
                throw new BadValue("no such time: " + Text.quote(text));
            }
        }
        if (t.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
            return new ExampleTime.Day(Syntax.date(t));
        }
        throw BadValue.expected(TIME_EXAMPLES, text);
    }

    private Optional<Example.Expectation> expectation(Node node, String path) {
        return values.map(node, path, EXPECT_KEYS).flatMap(this::expectation);
    }

    private Optional<Example.Expectation> expectation(YamlMap m) {
        Optional<List<String>> rules = m.value("rules").flatMap(n -> ruleList(n, m.child("rules")));
        Optional<Example.Result> result = m.required("result")
                .flatMap(n -> values.choice(n, m.child("result"), RESULTS))
                .map(r -> Example.Result.valueOf(r.toUpperCase(java.util.Locale.ROOT)));
        Optional<String> movedTo = m.value("moved_to").flatMap(n -> values.mailbox(n, m.child("moved_to")));
        Optional<Set<Flag>> flags = m.value("flags").flatMap(n -> flags(n, m.child("flags")));
        Optional<List<String>> copiedTo = m.value("copied_to")
                .flatMap(n -> values.oneOrMany(n, m.child("copied_to"), "a mailbox name", Values::checkMailbox));
        if (result.isPresent()) {
            boolean moved = result.get() == Example.Result.MOVED;
            if (moved && !m.has("moved_to")) {
                values.problems().add(m.node(), m.path(), "result: moved needs moved_to: the mailbox it is moved to");
            } else if (!moved && m.has("moved_to")) {
                values.problems().add(m.keyNode("moved_to"), m.child("moved_to"),
                        "moved_to goes with result: moved, not " + result.get().word());
            }
        }
        if (m.hasProblems()) {
            return Optional.empty();
        }
        return Optional.of(new Example.Expectation(rules, result.orElseThrow(), movedTo, flags, copiedTo));
    }

    /** Rule names, each one of the file's rules. */
    private Optional<List<String>> ruleList(Node n, String path) {
        return values.oneOrMany(n, path, "a rule name", name -> {
            if (ruleNames.isPresent() && !ruleNames.get().contains(name)) {
                throw new BadValue("unknown rule " + Text.quote(name) + DidYouMean.closest(name, ruleNames.get())
                        .map(c -> "; did you mean " + Text.quote(c) + "?").orElse(""));
            }
            return name;
        }).map(ArrayList::new);
    }
}
