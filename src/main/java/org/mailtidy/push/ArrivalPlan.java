package org.mailtidy.push;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mailtidy.config.Config;
import org.mailtidy.config.RuleConfig;
import org.mailtidy.engine.MailboxPatterns;

/**
 * What push watches: per account, the mailbox names and patterns of its enabled {@code on: arrival}
 * rules, in the order in which rules first name them. Pure: no I/O.
 */
record ArrivalPlan(Map<String, List<String>> patternsByAccount) {

    ArrivalPlan {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        patternsByAccount.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        patternsByAccount = java.util.Collections.unmodifiableMap(copy);
    }

    static ArrivalPlan of(Config config) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (RuleConfig rule : config.enabledRules()) {
            if (!rule.onArrival()) {
                continue;
            }
            for (String id : config.accounts().keySet()) {
                if (!rule.appliesTo(id)) {
                    continue;
                }
                List<String> patterns = out.computeIfAbsent(id, k -> new ArrayList<>());
                for (String pattern : rule.mailboxes()) {
                    String canonical = MailboxPatterns.canonical(pattern);
                    if (!patterns.contains(canonical)) {
                        patterns.add(canonical);
                    }
                }
            }
        }
        return new ArrivalPlan(out);
    }

    /** The account's enabled arrival rules that apply to the mailbox, in file order. */
    static List<RuleConfig> rulesFor(Config config, String account, String mailbox) {
        return config.enabledRules().stream()
                .filter(RuleConfig::onArrival)
                .filter(r -> r.appliesTo(account))
                .filter(r -> MailboxPatterns.matchesAny(r.mailboxes(), mailbox))
                .toList();
    }
}
