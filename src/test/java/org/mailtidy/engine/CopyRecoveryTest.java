package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailtidy.engine.journal.CopyJournal;
import org.mailtidy.engine.journal.CopyLedger;
import org.mailtidy.imap.CopiedUids;
import org.mailtidy.imap.FakeImapSession;
import org.mailtidy.imap.FakeMailbox;
import org.mailtidy.mail.UidSet;
import org.mailtidy.rules.MailboxPlan;

/**
 * Completing the copies an earlier broken batch owed, over the fake: what is owed, what is known
 * made, and the flags a recovered copy gets.
 */
class CopyRecoveryTest {
    @TempDir
    Path dir;

    private final FakeImapSession session = new FakeImapSession();
    private final FakeMailbox inbox = session.mailbox("INBOX");
    private final FakeMailbox archive = session.mailbox("Archive");
    private final MailboxPlan nothing = plan("- {name: none, match: {draft: true}, add_flags: [X]}");

    @BeforeEach
    void forgetTheSetup() {
        session.forgetCommands();
    }

    private MailboxPlan plan(String rule) {
        try {
            return FakeRuns.plan(inbox, FakeRuns.rules("  " + rule + "\n"), Optional.empty());
        } catch (org.mailtidy.imap.ImapException e) {
            throw new AssertionError(e);
        }
    }

    private CopyJournal journal(long uidValidity, CopyJournal.Copy... copies) throws Exception {
        CopyJournal journal = new CopyJournal(dir.resolve("journal.bin"));
        journal.write(new CopyJournal.Entries(uidValidity, List.of(copies)));
        return journal;
    }

    private static CopyJournal.Copy copy(long uidNext, boolean done, long... uids) {
        return new CopyJournal.Copy("Archive", "keep", List.of(new CopyJournal.Group(List.of("\\Seen"), UidSet.of(uids))), uidNext,
                done);
    }

    private CopyRecovery prepare(CopyJournal journal) throws Exception {
        CopyRecovery recovery = CopyRecovery.prepare(session, journal, true);
        session.select("INBOX", false);
        return recovery;
    }

    @Test
    void aCopyInDoubtIsOwedOnlyForTheOriginalsWhoseMessageIdDidNotArrive() throws Exception {
        inbox.add(3);
        archive.add("<old@test>");
        long uidNext = archive.uidNext();
        archive.add("<1@test>");  // the COPY in doubt did reach the server for message 1
        CopyRecovery recovery = prepare(journal(inbox.uidValidity(), copy(uidNext, false, 1, 2)));

        List<CopyLedger.Made> made = recovery.made(inbox, inbox.uids(), "a INBOX");
        List<CopyJournal.Copy> owed = recovery.owed(inbox, inbox.uids(), nothing, "a INBOX");

        assertThat(session.commands()).startsWith("EXAMINE \"Archive\"",
                "UID FETCH " + uidNext + ":* (UID FLAGS INTERNALDATE RFC822.SIZE)");
        assertThat(made).singleElement().satisfies(m -> assertThat(m.uids()).isEqualTo(UidSet.of(1)));
        assertThat(owed).singleElement().satisfies(c -> {
            assertThat(c.uids()).containsExactly(2);
            assertThat(c.inDoubt()).isFalse();
        });
    }

    @Test
    void anOriginalWithoutMessageIdInDoubtIsCopiedAgainRatherThanLost() throws Exception {
        inbox.add(null);
        long uidNext = archive.uidNext();
        archive.add(null);
        CopyRecovery recovery = prepare(journal(inbox.uidValidity(), copy(uidNext, false, 1)));

        assertThat(recovery.owed(inbox, inbox.uids(), nothing, "a INBOX")).singleElement()
                .satisfies(c -> assertThat(c.uids()).containsExactly(1));
    }

    @Test
    void aCopyNeverSentIsOwedExceptForGoneOriginalsAndThoseThePlanCopiesAnyway() throws Exception {
        inbox.add(2);
        inbox.add("<3@test>", "\\Flagged");
        CopyRecovery recovery = prepare(journal(inbox.uidValidity(), copy(-1, false, 1, 3, 9)));
        MailboxPlan copiesThree = plan("- {name: keep, match: {flagged: true}, copy_to: Archive}");

        List<CopyJournal.Copy> owed = recovery.owed(inbox, inbox.uids(), copiesThree, "a INBOX");

        assertThat(owed).singleElement().satisfies(c -> assertThat(c.uids()).containsExactly(1));
        assertThat(session.commands()).noneMatch(c -> c.startsWith("EXAMINE"));
    }

    @Test
    void anAcknowledgedCopyIsMadeNotOwed() throws Exception {
        inbox.add(2);
        CopyRecovery recovery = prepare(journal(inbox.uidValidity(), copy(5, true, 1, 2)));

        assertThat(recovery.made(inbox, inbox.uids(), "a INBOX")).singleElement()
                .satisfies(m -> assertThat(m.uids()).isEqualTo(UidSet.of(1, 2)));
        assertThat(recovery.owed(inbox, inbox.uids(), nothing, "a INBOX")).isEmpty();
    }

    @Test
    void aJournalOfAnotherUidvalidityIsDiscarded() throws Exception {
        inbox.add(2);
        CopyRecovery recovery = prepare(journal(inbox.uidValidity() + 1, copy(-1, false, 1, 2)));

        assertThat(recovery.hasEntries()).isTrue();
        assertThat(recovery.made(inbox, inbox.uids(), "a INBOX")).isEmpty();
        assertThat(recovery.owed(inbox, inbox.uids(), nothing, "a INBOX")).isEmpty();
        assertThat(recovery.carried(inbox, nothing)).isEmpty();
    }

    @Test
    void aRunOnNewMailCarriesTheUnfinishedCopiesWithoutLookingAtTheDestination() throws Exception {
        inbox.add(2);
        CopyRecovery recovery = CopyRecovery.prepare(session,
                journal(inbox.uidValidity(), copy(7, false, 1, 2), copy(-1, true, 2)), false);
        session.select("INBOX", false);

        assertThat(recovery.carried(inbox, nothing)).singleElement()
                .satisfies(c -> assertThat(c.uids()).containsExactly(1, 2));
        assertThat(session.commands()).containsExactly("SELECT \"INBOX\"");
    }

    @Test
    void recoveredCopiesGetTheFlagsTheirRuleGaveThem() throws Exception {
        long copied = archive.add("<1@test>", "\\Flagged");
        CopyJournal.Copy owed = copy(-1, false, 1);

        CopyRecovery.giveFlags(session, List.of(owed), List.of(new CopiedUids(archive.uidValidity(),
                new long[] {1}, new long[] {copied})));

        assertThat(session.commands()).containsExactly("SELECT \"Archive\"",
                "UID STORE " + copied + " FLAGS.SILENT (\\Seen)");
        assertThat(archive.flagsOf(copied)).isEqualTo(Set.of("\\Seen"));
    }

    @Test
    void copiesInAMailboxWhoseUidvalidityChangedKeepTheirFlags() throws Exception {
        long copied = archive.add("<1@test>", "\\Flagged");

        CopyRecovery.giveFlags(session, List.of(copy(-1, false, 1)), List.of(new CopiedUids(
                archive.uidValidity() + 1, new long[] {1}, new long[] {copied})));

        assertThat(session.commands()).containsExactly("SELECT \"Archive\"");
        assertThat(archive.flagsOf(copied)).isEqualTo(Set.of("\\Flagged"));
    }
}
