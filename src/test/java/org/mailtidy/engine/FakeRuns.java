package org.mailtidy.engine;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.mailtidy.config.Config;
import org.mailtidy.config.RuleConfig;
import org.mailtidy.imap.FakeMailbox;
import org.mailtidy.imap.ImapException;
import org.mailtidy.rules.MailboxPlan;
import org.mailtidy.rules.MailboxSnapshot;
import org.mailtidy.rules.PlanContext;
import org.mailtidy.rules.Planner;
import org.mailtidy.rules.RuleSpec;

/** Configs and plans for the engine's fast tests over {@link org.mailtidy.imap.FakeImapSession}. */
final class FakeRuns {
    static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    private FakeRuns() {
    }

    /** A config with account {@code a} (never connected to: the tests hand the engine a fake) and these rules. */
    static Config config(String rules) {
        return EndToEnd.config("version: 1\naccounts:\n" + EndToEnd.account("a", "127.0.0.1", 1, "u", "pw")
                + "rules:\n" + rules);
    }

    static List<RuleSpec> rules(String rules) {
        return config(rules).rules().stream().map(RuleConfig::spec).toList();
    }

    /** The snapshot a run would make of the mailbox now (its table fetch is recorded on the session). */
    static MailboxSnapshot snapshot(FakeMailbox box) throws ImapException {
        return Snapshots.of(box.uidValidity(), box.fetchTable(1));
    }

    /** The plan of these rules (flag and constant criteria only: no server search) for the mailbox now. */
    static MailboxPlan plan(FakeMailbox box, List<RuleSpec> rules, Optional<String> trash) throws ImapException {
        return plan(snapshot(box), rules, trash);
    }

    /** The plan of these rules for this snapshot. */
    static MailboxPlan plan(MailboxSnapshot snapshot, List<RuleSpec> rules, Optional<String> trash) {
        PlanContext context = new PlanContext(NOW, LocalDate.ofInstant(NOW, ZoneOffset.UTC), trash);
        return Planner.planWithoutAudit(rules, snapshot, new ServerEvidence(), context);
    }
}
