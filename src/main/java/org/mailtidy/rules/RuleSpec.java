package org.mailtidy.rules;

import java.util.Objects;
import java.util.Optional;

/**
 * The part of a rule that decides what happens to a message: its criteria and its actions.
 * Scheduling and addressing (account, mailboxes) live in the configuration model.
 *
 * @param name        unique rule name
 * @param match       the criteria tree
 * @param flagChange  the rule's flag actions: {@link FlagChange#NONE} when it has none
 * @param disposition delete / trash / move, or keep
 * @param copyTo      {@code copy_to} destination, if any
 * @param stop        matched messages are not seen by later rules
 */
public record RuleSpec(String name, Criterion match, FlagChange flagChange, Disposition disposition,
                       Optional<String> copyTo, boolean stop) {
    public RuleSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(match, "match");
        Objects.requireNonNull(flagChange, "flagChange");
        Objects.requireNonNull(disposition, "disposition");
        Objects.requireNonNull(copyTo, "copyTo");
    }
}
