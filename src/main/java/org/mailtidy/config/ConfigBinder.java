package org.mailtidy.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Phase two of loading: the node tree to the records of this package. Goes on after each problem,
 * so that one pass reports everything wrong in the file.
 */
final class ConfigBinder {

    private static final YamlMap.Keys TOP_KEYS =
            YamlMap.Keys.of("version", "accounts", "rules", "defaults", "safety", "audit", "http", "cluster", "tests");

    private final Path file;
    private final Values values;
    private final SettingsBinder settings;

    ConfigBinder(Path file, Values values) {
        this.file = file;
        this.values = values;
        this.settings = new SettingsBinder(values);
    }

    /** The configuration, or empty when some problem has been recorded. */
    Optional<Config> bind(Node root) {
        if (!(root instanceof MappingNode)) {
            values.problems().add(root, "", "expected a mapping with version, accounts and rules at the top level, got "
                    + Values.describe(root));
            return Optional.empty();
        }
        int before = values.problems().count();
        YamlMap top = YamlMap.read((MappingNode) root, "", TOP_KEYS, values.problems());
        top.required("version").ifPresent(this::version);
        Optional<Defaults> defaults = settings.defaults(top.value("defaults"));
        Map<String, Account> accounts = new LinkedHashMap<>();
        Map<String, AccountGroup> groups = new LinkedHashMap<>();
        Set<String> accountIds = top.required("accounts").map(n -> accounts(n, accounts, groups)).orElse(Set.of());
        Schedule defaultSchedule = defaults.map(Defaults::schedule).orElse(SettingsBinder.DEFAULT_SCHEDULE);
        int beforeRules = values.problems().count();
        List<RuleConfig> rules = top.required("rules").map(n -> rules(n, accountIds, defaultSchedule)).orElse(List.of());
        Optional<Set<String>> ruleNames = values.problems().count() == beforeRules
                ? Optional.of(rules.stream().map(RuleConfig::name).collect(java.util.stream.Collectors.toSet()))
                : Optional.empty();
        List<Example> tests = top.value("tests").map(n -> tests(n, accountIds, ruleNames)).orElse(List.of());
        Optional<Safety> safety = settings.safety(top.value("safety"));
        Optional<Audit> audit = top.value("audit").flatMap(settings::audit);
        Optional<HttpListen> http = top.value("http").flatMap(settings::http);
        Optional<Cluster> cluster = top.value("cluster").flatMap(settings::cluster);
        if (values.problems().count() > before) {
            return Optional.empty();
        }
        return Optional.of(new Config(file, accounts, rules, defaults.orElseThrow(), safety.orElseThrow(), audit, http,
                cluster, tests, groups));
    }

    private void version(Node node) {
        values.read(node, "version", "the version 1", text -> {
            if (!text.equals("1")) {
                throw new BadValue("unsupported version " + Text.quote(text) + "; this mailtidy reads version 1");
            }
            return 1;
        });
    }

    /** Binds each account into {@code out}; returns every id written in the file, even of broken accounts. */
    private Set<String> accounts(Node node, Map<String, Account> out, Map<String, AccountGroup> groups) {
        Optional<YamlMap> map = values.map(node, "accounts", null);
        if (map.isEmpty()) {
            return Set.of();
        }
        if (map.get().isEmpty()) {
            values.problems().add(node, "accounts", "expected at least one account");
            return Set.of();
        }
        AccountBinder binder = new AccountBinder(values, groups);
        Set<String> ids = new LinkedHashSet<>();
        for (String id : map.get().keys()) {
            ids.add(id);
            binder.bind(id, map.get().keyNode(id), map.get().value(id).orElseThrow(), map.get().child(id))
                    .ifPresent(a -> out.put(id, a));
        }
        return ids;
    }

    private List<RuleConfig> rules(Node node, Set<String> accountIds, Schedule defaultSchedule) {
        Optional<List<Node>> items = values.list(node, "rules", "rules");
        if (items.isEmpty()) {
            return List.of();
        }
        RuleBinder binder = new RuleBinder(values, accountIds, defaultSchedule);
        List<RuleConfig> rules = new ArrayList<>();
        for (int i = 0; i < items.get().size(); i++) {
            binder.bind(items.get().get(i), "rules[" + i + "]").ifPresent(rules::add);
        }
        return rules;
    }

    /** {@code ruleNames}: the rules examples may name; empty when some rule was unreadable (names not checked). */
    private List<Example> tests(Node node, Set<String> accountIds, Optional<Set<String>> ruleNames) {
        Optional<List<Node>> items = values.list(node, "tests", "tests (examples with a message and what must happen to it)");
        if (items.isEmpty()) {
            return List.of();
        }
        ExampleBinder binder = new ExampleBinder(values, accountIds, ruleNames);
        List<Example> tests = new ArrayList<>();
        for (int i = 0; i < items.get().size(); i++) {
            binder.bind(items.get().get(i), "tests[" + i + "]").ifPresent(tests::add);
        }
        return tests;
    }
}
