package org.mailtidy.config;

import java.util.List;
import org.mailtidy.rules.RuleSpec;

/**
 * A rule as configured: what it does ({@link RuleSpec}) plus where and when it runs.
 *
 * @param accounts  the accounts it applies to ({@code account}: an id, a group, a list, or {@code "*"})
 * @param mailboxes mailbox names or LIST patterns ({@code *}, {@code %}) in UTF-8 with {@code /}
 * @param schedule  the rule's schedule, or the default one; empty for an arrival-only rule
 * @param line      1-based line of the rule in the file, for messages
 */
public record RuleConfig(RuleSpec spec, AccountSelector accounts, List<String> mailboxes,
                         java.util.Optional<Schedule> schedule, boolean onArrival, boolean enabled, int line) {
    public RuleConfig {
        mailboxes = List.copyOf(mailboxes);
    }

    public boolean appliesTo(String accountId) {
        return accounts.appliesTo(accountId);
    }

    public String name() {
        return spec.name();
    }
}
