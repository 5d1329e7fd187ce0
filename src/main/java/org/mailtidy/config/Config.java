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
 * @param accounts account id to account, in file order
 * @param rules    rules in file order (disabled rules included, {@link RuleConfig#enabled()} false)
 * @param tests    the file's examples ({@code tests:}), in file order, which {@code check} runs
 */
public record Config(Path file, Map<String, Account> accounts, List<RuleConfig> rules, Defaults defaults,
                     Safety safety, Optional<Audit> audit, Optional<HttpListen> http,
                     Optional<Cluster> cluster, List<Example> tests) {
    public Config {
        Objects.requireNonNull(file);
        accounts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(accounts));
        rules = List.copyOf(rules);
        Objects.requireNonNull(defaults);
        Objects.requireNonNull(safety);
        Objects.requireNonNull(audit);
        Objects.requireNonNull(http);
        Objects.requireNonNull(cluster);
        tests = List.copyOf(tests);
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

    /** Enabled rules only, in file order. */
    public List<RuleConfig> enabledRules() {
        return rules.stream().filter(RuleConfig::enabled).toList();
    }
}
