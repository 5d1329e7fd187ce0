package org.mailtidy.engine;

import java.util.List;
import java.util.Optional;
import org.mailtidy.imap.ImapSession;
import org.mailtidy.imap.ImapException;
import org.mailtidy.rules.Criterion;
import org.mailtidy.rules.Disposition;
import org.mailtidy.rules.MailboxPlan;
import org.mailtidy.rules.PlanContext;
import org.mailtidy.rules.RuleSpec;
import org.mailtidy.rules.SentDateRegex;

/**
 * What the configured rules mean on one server: the trash mailbox they need, Gmail's delete (which
 * trashes) and sent dates that some servers search in UTC. Shared by a mailbox run and {@code explain}.
 */
final class RulesOnServer {
    private RulesOnServer() {
    }

    /**
     * The rules as this server must be asked. In the trash mailbox itself, {@code trash: true} can
     * only mean delete. Elsewhere on Gmail, {@code delete: true} means trash: there {@code \Deleted}
     * and EXPUNGE only remove the mailbox's label and leave the message in All Mail
     * (docs/servers.md). On a server whose SENT* searches convert the Date: header to UTC (Courier),
     * {@code sent_*} is evaluated by mailtidy on the Date: header, so a rule means the same on every
     * server.
     */
    static List<RuleSpec> rulesIn(String mailbox, List<RuleSpec> rules, PlanContext context, boolean gmail,
                                  boolean localSentDates) {
        boolean inTrash = context.trashMailbox().filter(t -> t.equals(mailbox)).isPresent();
        boolean deleteMeansTrash = !inTrash && deletesToTrash(gmail, rules);
        if (!inTrash && !deleteMeansTrash && !localSentDates) {
            return rules;
        }
        return rules.stream().map(r -> {
            Disposition disposition = inTrash && r.disposition().trashes() ? Disposition.DELETE
                    : deleteMeansTrash && r.disposition().deletes() ? Disposition.TRASH
                    : r.disposition();
            Criterion match = localSentDates && SentDateRegex.hasSentDates(r.match())
                    ? SentDateRegex.rewrite(r.match(), context.today()) : r.match();
            return match == r.match() && disposition == r.disposition() ? r
                    : new RuleSpec(r.name(), match, r.flagChange(), disposition, r.copyTo(), r.stop());
        }).toList();
    }

    static boolean deletesToTrash(boolean gmail, List<RuleSpec> rules) {
        return gmail && rules.stream().anyMatch(r -> r.disposition().deletes());
    }

    /**
     * The trash mailbox, when a rule trashes (or deletes, on Gmail): the configured one, else the
     * {@code \Trash} special-use one.
     */
    static Optional<String> trashMailbox(ImapSession connection, String account, List<RuleSpec> rules,
                                         Optional<String> configuredTrash) throws ImapException {
        boolean trashes = rules.stream().anyMatch(r -> r.disposition().trashes());
        if (!trashes && !deletesToTrash(Provider.isGmail(connection), rules)) {
            return Optional.empty();
        }
        if (configuredTrash.isPresent()) {
            return configuredTrash;
        }
        Optional<String> special = connection.specialUse("\\Trash");
        if (special.isEmpty()) {
            String why = trashes
                    ? "a rule says trash: true" : "a rule says delete: true, which on Gmail means moving to the trash";
            throw new ImapException(why + ", but account " + account
                    + " has no trash_mailbox and the server names no \\Trash mailbox (RFC 6154)");
        }
        return special;
    }

    /** What a Gmail run did instead of deleting, so the table's "moved" for a delete rule is explained. */
    static void noteGmailDeletes(boolean gmail, String mailbox, List<RuleSpec> rules, MailboxPlan plan,
                                 PlanContext context, List<String> notes) {
        if (!deletesToTrash(gmail, rules) || context.trashMailbox().filter(t -> t.equals(mailbox)).isPresent()) {
            return;
        }
        List<String> deleting = rules.stream().filter(r -> r.disposition().deletes()).map(RuleSpec::name).toList();
        int moved = plan.ruleStats().stream().filter(s -> deleting.contains(s.rule())).mapToInt(s -> s.moved()).sum();
        if (moved > 0) {
            notes.add("on Gmail, delete moves to " + context.trashMailbox().orElse("the trash") + ": " + moved
                    + " message" + (moved == 1 ? "" : "s") + " (an expunge would only remove this mailbox's label)");
        }
    }
}
