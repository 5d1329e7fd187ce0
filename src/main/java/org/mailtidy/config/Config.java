package org.mailtidy.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A loaded, validated configuration file (contract: docs/configuration.md). Nothing past the
 * loader sees YAML; every value here has its final type.
 *
 * @param file     the file it was read from
 * @param accounts account id to account: the accounts written out in file order, then each group's users
 *                 ({@code staff/alice}) in the order of its list
 * @param groups   the groups ({@code users_file}/{@code users_command}) by id, in file order
 * @param rules    rules in file order (disabled rules included, {@link RuleConfig#enabled()} false)
 * @param tests    the file's examples ({@code tests:}), in file order, which {@code check} runs
 */
public record Config(Path file, Map<String, Account> accounts, List<RuleConfig> rules, Defaults defaults,
                     Safety safety, Optional<Audit> audit, Optional<HttpListen> http,
                     Optional<Cluster> cluster, List<Example> tests, Map<String, AccountGroup> groups) {
    public Config {
        Objects.requireNonNull(file);
        accounts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(accounts));
        groups = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(groups));
        rules = List.copyOf(rules);
        Objects.requireNonNull(defaults);
        Objects.requireNonNull(safety);
        Objects.requireNonNull(audit);
        Objects.requireNonNull(http);
        Objects.requireNonNull(cluster);
        tests = List.copyOf(tests);
    }

    /** A configuration without groups. */
    public Config(Path file, Map<String, Account> accounts, List<RuleConfig> rules, Defaults defaults, Safety safety,
                  Optional<Audit> audit, Optional<HttpListen> http, Optional<Cluster> cluster, List<Example> tests) {
        this(file, accounts, rules, defaults, safety, audit, http, cluster, tests, Map.of());
    }

    /** A configuration without examples. */
    public Config(Path file, Map<String, Account> accounts, List<RuleConfig> rules, Defaults defaults, Safety safety,
                  Optional<Audit> audit, Optional<HttpListen> http, Optional<Cluster> cluster) {
        this(file, accounts, rules, defaults, safety, audit, http, cluster, List.of());
    }

    public Account account(String id) {
        Account a = accounts.get(id);
        if (a == null) {
            throw new IllegalArgumentException("no account " + id);
        }
        return a;
    }

    /** The same configuration with {@code otherAccounts} (a group's users filled in). */
    public Config withAccounts(Map<String, Account> otherAccounts) {
        return new Config(file, otherAccounts, rules, defaults, safety, audit, http, cluster, tests, groups);
    }

    /** The logins of a group's users, in the order of its list (empty for an unknown group). */
    public List<String> logins(String group) {
        String prefix = group + "/";
        return accounts.values().stream().filter(a -> a.id().startsWith(prefix)).map(Account::username).toList();
    }

    /**
     * The ids an {@code --account} option may name: an account, a user of a group, or a group (its
     * users); empty if it names none.
     */
    public List<String> accountIdsNamed(String id) {
        if (accounts.containsKey(id)) {
            return List.of(id);
        }
        AccountSelector selector = AccountSelector.of(id);
        return groups.containsKey(id) ? accounts.keySet().stream().filter(selector::appliesTo).toList() : List.of();
    }

    /** The server settings of an account or a group (its template), for offline checks. */
    public Optional<Account> settingsOf(String id) {
        return Optional.ofNullable(accounts.get(id)).or(() -> Optional.ofNullable(groups.get(id))
                .map(AccountGroup::template));
    }

    /** Enabled rules only, in file order. */
    public List<RuleConfig> enabledRules() {
        return rules.stream().filter(RuleConfig::enabled).toList();
    }
}
