package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mailtidy.imap.FakeImapSession;
import org.mailtidy.imap.FakeMailbox;
import org.mailtidy.rules.MailboxPlan;
import org.mailtidy.rules.RuleSpec;

/** The checks between plan and batch: a refused plan names why, and sends nothing. */
class PlanChecksTest {
    private final FakeImapSession session = new FakeImapSession();
    private final FakeMailbox inbox = session.mailbox("INBOX");
    private final List<RuleSpec> rules = FakeRuns.rules("""
              - {name: tag, match: {flagged: true}, add_flags: [Later]}
              - {name: purge, match: {flagged: false}, delete: true}
            """);

    private MailboxPlan plan(boolean readOnly) throws Exception {
        return FakeRuns.plan(session.select("INBOX", readOnly), rules, Optional.empty());
    }

    @Test
    void morePlannedDeletesThanTheLimitRefuseThePlan() throws Exception {
        inbox.add(3);
        MailboxPlan plan = plan(false);

        assertThatThrownBy(() -> PlanChecks.check(inbox, plan, rules, 2)).isInstanceOf(RunFailure.class)
                .hasMessage("refused: the rules would delete or trash 3 messages, more than"
                        + " safety.max_deletes_per_run (2); nothing was changed");
        assertThatCode(() -> PlanChecks.check(inbox, plan, rules, 3)).doesNotThrowAnyException();
    }

    @Test
    void aKeywordTheMailboxCannotStoreRefusesThePlanNamingTheRule() throws Exception {
        inbox.add("<f@test>", "\\Flagged");
        inbox.withPermanentFlags("\\Seen", "\\Flagged", "\\Deleted");
        MailboxPlan plan = plan(false);

        assertThatThrownBy(() -> PlanChecks.check(inbox, plan, rules, 10)).isInstanceOf(RunFailure.class)
                .hasMessageStartingWith("the mailbox cannot store Later (PERMANENTFLAGS ")
                .hasMessageEndingWith("needed by rule tag; nothing was changed");
    }

    @Test
    void aKeywordPassesWhenTheMailboxStoresAnyOrNamesIt() throws Exception {
        inbox.add("<f@test>", "\\Flagged");
        MailboxPlan plan = plan(false);

        assertThatCode(() -> PlanChecks.check(inbox, plan, rules, 10)).doesNotThrowAnyException();
        inbox.withPermanentFlags("\\Flagged", "later");
        assertThatCode(() -> PlanChecks.check(inbox, plan, rules, 10)).doesNotThrowAnyException();
    }

    @Test
    void aReadOnlyMailboxNamesNoPermanentFlagsSoTheyAreNotChecked() throws Exception {
        inbox.add("<f@test>", "\\Flagged");
        inbox.withPermanentFlags();
        MailboxPlan plan = plan(true);

        assertThatCode(() -> PlanChecks.check(inbox, plan, rules, 10)).doesNotThrowAnyException();
        session.select("INBOX", false);
        assertThatThrownBy(() -> PlanChecks.check(inbox, plan, rules, 10)).isInstanceOf(RunFailure.class);
    }
}
