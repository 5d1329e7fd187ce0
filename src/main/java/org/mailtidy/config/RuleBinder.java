package org.mailtidy.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.mailtidy.rules.Criterion;
import org.mailtidy.rules.Disposition;
import org.mailtidy.rules.Flag;
import org.mailtidy.rules.FlagChange;
import org.mailtidy.rules.RuleSpec;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Binds one entry of {@code rules:}. */
final class RuleBinder {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final YamlMap.Keys KEYS = YamlMap.Keys.of("name", "account", "mailbox", "mailboxes", "schedule",
            "on", "enabled", "match", "add_flags", "remove_flags", "set_flags", "delete", "trash", "move_to", "copy_to",
            "stop").withHints(misplacedCriteria());
    private static final List<String> ACTIONS =
            List.of("add_flags", "remove_flags", "set_flags", "delete", "trash", "move_to", "copy_to", "stop");
    private static final List<String> DISPOSITIONS = List.of("delete", "trash", "move_to");
    private static final String FLAGS_EXAMPLE = "flags such as [\\Seen, $Junk]";

    private final Values values;
    private final CriteriaBinder criteria;
    private final KnownAccounts accounts;
    private final Schedule defaultSchedule;
    private final UniqueNames names = new UniqueNames("rule name");

    RuleBinder(Values values, Set<String> accountIds, Schedule defaultSchedule) {
        this.values = values;
        this.criteria = new CriteriaBinder(values);
        this.accounts = new KnownAccounts(accountIds);
        this.defaultSchedule = defaultSchedule;
    }

    private static Map<String, String> misplacedCriteria() {
        Map<String, String> hints = new HashMap<>();
        for (String key : CriteriaBinder.KEYS.valid()) {
            hints.put(key, Text.quote(key) + " is a criterion: put it under match");
        }
        return hints;
    }

    Optional<RuleConfig> bind(Node node, String path) {
        return values.map(node, path, KEYS).flatMap(this::rule);
    }

    private Optional<RuleConfig> rule(YamlMap m) {
        String name = m.required("name").flatMap(n -> name(n, m.child("name"))).orElse(null);
        AccountSelector account = account(m).orElse(null);
        List<String> mailboxes = mailboxes(m).orElse(List.of());
        boolean onArrival = m.value("on").flatMap(n -> values.choice(n, m.child("on"), List.of("arrival"))).isPresent();
        Optional<Schedule> schedule = m.value("schedule").flatMap(n -> schedule(n, m.child("schedule")));
        boolean enabled = m.value("enabled").flatMap(n -> values.bool(n, m.child("enabled"))).orElse(true);
        Criterion match = m.required("match").flatMap(n -> criteria.mapping(n, m.child("match"))).orElse(null);
        FlagChange flagChange = flagChange(m).orElse(null);
        Disposition disposition = disposition(m).orElse(null);
        Optional<String> copyTo = m.value("copy_to").flatMap(n -> values.mailbox(n, m.child("copy_to")));
        boolean stop = m.value("stop").flatMap(n -> values.bool(n, m.child("stop"))).orElse(false);
        if (m.hasProblems()) {
            return Optional.empty();
        }
        if (flagChange.isNone() && !disposition.removesMessage() && copyTo.isEmpty() && !stop) {
            if (m.misspelt(ACTIONS)) {
                return Optional.empty();
            }
            values.problems().add(m.node(), m.path(), "the rule has no action; add one of " + String.join(", ", ACTIONS));
            return Optional.empty();
        }
        if (m.has("schedule") && schedule.isEmpty()) {
            return Optional.empty();
        }
        Optional<Schedule> effective = schedule.isPresent() || onArrival ? schedule : Optional.of(defaultSchedule);
        RuleSpec spec = new RuleSpec(name, match, flagChange, disposition, copyTo, stop);
        return Optional.of(new RuleConfig(spec, account, mailboxes, effective, onArrival, enabled,
                m.node().getStartMark().getLine() + 1));
    }

    private Optional<String> name(Node n, String path) {
        Optional<String> name = values.read(n, path, "a rule name", text -> {
            if (!NAME.matcher(text).matches()) {
                throw new BadValue("invalid rule name " + Text.quote(text) + ": use letters, digits, _, . and -");
            }
            return text;
        });
        return names.claim(name, n, path, values.problems());
    }

    private Optional<AccountSelector> account(YamlMap m) {
        if (!m.has("account")) {
            return accounts.implicit(m, values.problems()).map(AccountSelector::of);
        }
        String path = m.child("account");
        Node node = m.value("account").orElseThrow();
        if (node instanceof org.yaml.snakeyaml.nodes.ScalarNode s && s.getValue().equals("*")) {
            return Optional.of(new AccountSelector.All());
        }
        if (node instanceof SequenceNode list && list.getValue().isEmpty()) {
            values.problems().add(node, path, "expected at least one account id, got an empty list");
            return Optional.empty();
        }
        return values.oneOrMany(node, path, "an account id, a group, or \"*\"", id -> {
            if (id.equals("*")) {
                throw new BadValue("\"*\" (every account) stands alone, not in a list");
            }
            int slash = id.indexOf('/');
            // a user of a group: the group must exist; whether the user is listed is known only at each load
            String known = slash > 0 ? id.substring(0, slash) : id;
            if (!accounts.contains(known)) {
                throw accounts.unknown(known);
            }
            return id;
        }).map(AccountSelector.Ids::new);
    }

    private Optional<List<String>> mailboxes(YamlMap m) {
        if (m.has("mailbox") && m.has("mailboxes")) {
            values.problems().add(m.keyNode("mailboxes"), m.child("mailboxes"), "mailbox and mailboxes exclude each other");
            return Optional.empty();
        }
        if (m.has("mailbox")) {
            return m.value("mailbox").flatMap(n -> values.mailbox(n, m.child("mailbox"))).map(List::of);
        }
        if (m.has("mailboxes")) {
            Node n = m.value("mailboxes").orElseThrow();
            Optional<List<String>> names = values.oneOrMany(n, m.child("mailboxes"), "a mailbox name", Values::checkMailbox);
            if (names.isPresent() && names.get().isEmpty()) {
                values.problems().add(n, m.child("mailboxes"), "expected at least one mailbox name, got an empty list");
                return Optional.empty();
            }
            return names;
        }
        return Optional.of(List.of("INBOX"));
    }

    private Optional<Schedule> schedule(Node n, String path) {
        return values.read(n, path, "a schedule such as every 15m or \"0 3 * * *\"", SettingsBinder::schedule);
    }

    private Optional<FlagChange> flagChange(YamlMap m) {
        Optional<List<Flag>> add = flags(m, "add_flags");
        Optional<List<Flag>> remove = flags(m, "remove_flags");
        Optional<List<Flag>> set = flags(m, "set_flags");
        if (m.has("set_flags")) {
            for (String other : List.of("add_flags", "remove_flags")) {
                if (m.has(other)) {
                    values.problems().add(m.keyNode(other), m.child(other), "set_flags and " + other
                            + " exclude each other (set_flags replaces all flags)");
                    return Optional.empty();
                }
            }
            return set.map(s -> new FlagChange.Replace(Set.copyOf(s)));
        }
        if ((m.has("add_flags") && add.isEmpty()) || (m.has("remove_flags") && remove.isEmpty())) {
            return Optional.empty();
        }
        List<Flag> added = add.orElse(List.of());
        List<Flag> removed = remove.orElse(List.of());
        for (int i = 0; i < removed.size(); i++) {
            if (added.contains(removed.get(i))) {
                Node list = m.value("remove_flags").orElseThrow();
                boolean isList = list instanceof SequenceNode;
                values.problems().add(isList ? ((SequenceNode) list).getValue().get(i) : list,
                        m.child("remove_flags") + (isList ? "[" + i + "]" : ""),
                        removed.get(i) + " is both in add_flags and in remove_flags");
                return Optional.empty();
            }
        }
        return Optional.of(new FlagChange.Delta(Set.copyOf(added), Set.copyOf(removed)));
    }

    /** A list of flags (one flag alone is accepted too); empty when absent or wrong. */
    private Optional<List<Flag>> flags(YamlMap m, String key) {
        return m.value(key).flatMap(n -> {
            if (Values.isNothing(n)) {
                values.problems().add(n, m.child(key), "expected a list of " + FLAGS_EXAMPLE + ", got nothing (write [] for none)");
                return Optional.empty();
            }
            return values.oneOrMany(n, m.child(key), "a flag", FlagSyntax::flag);
        });
    }

    private Optional<Disposition> disposition(YamlMap m) {
        List<String> chosen = new ArrayList<>();
        Disposition result = Disposition.KEEP;
        boolean bad = false;
        for (String key : DISPOSITIONS) {
            if (!m.has(key)) {
                continue;
            }
            Node n = m.value(key).orElseThrow();
            Optional<Disposition> d = switch (key) {
                case "delete" -> values.bool(n, m.child(key)).map(b -> b ? Disposition.DELETE : Disposition.KEEP);
                case "trash" -> values.bool(n, m.child(key)).map(b -> b ? Disposition.TRASH : Disposition.KEEP);
                default -> values.mailbox(n, m.child(key)).map(Disposition.MoveTo::new);
            };
            if (d.isEmpty()) {
                bad = true;
            } else if (d.get().removesMessage() && !chosen.isEmpty()) {
                values.problems().add(m.keyNode(key), m.child(key),
                        "delete, trash and move_to exclude each other; this rule already has " + chosen.get(0));
                bad = true;
            } else if (d.get().removesMessage()) {
                chosen.add(key);
                result = d.get();
            }
        }
        return bad ? Optional.empty() : Optional.of(result);
    }
}
