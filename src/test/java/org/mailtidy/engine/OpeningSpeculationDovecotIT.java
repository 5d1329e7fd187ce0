package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mailtidy.config.Config;
import org.mailtidy.config.RuleConfig;
import org.mailtidy.imap.CommandCounter;
import org.mailtidy.imap.ImapConnection;
import org.mailtidy.imap.ImapException;
import org.mailtidy.imap.ImapSession;
import org.mailtidy.imap.MailboxSession;
import org.mailtidy.imap.Opening;
import org.mailtidy.imap.SearchRequest;
import org.mailtidy.mail.SearchArg;
import org.mailtidy.rules.RuleSpec;
import org.mailtidy.testsupport.Dovecot;

/**
 * The opening written with the SELECT (docs/adr/0015) is a guess: a run whose guess is wrong (other
 * searches, another table) plans exactly what a run without any guess plans, and sends the requests
 * again; a run whose guess is right plans the same and sends each of them once.
 */
@Tag("dovecot")
class OpeningSpeculationDovecotIT {
    private final Dovecot dovecot = Dovecot.get();

    @Test
    void aWrongGuessPlansWhatNoGuessPlans() throws Exception {
        String user = dovecot.newUser("guess");
        dovecot.writeMaildir(user, "INBOX", SampleMail.generate(120, "guess").stream().map(SampleMail.Sample::raw)
                .toList());
        dovecot.createMailbox(user, "Trash");
        Config config = EndToEnd.dovecotConfig(dovecot, user, false, EngineReferenceContract.RULES);
        List<RuleSpec> rules = config.rules().stream().map(RuleConfig::spec).toList();
        SearchRequest bogus = new SearchRequest(List.of(new SearchArg.Atom("DRAFT")), false);

        Dry none = dryRun(user, config, rules, o -> Opening.NONE);
        Dry asGuessed = dryRun(user, config, rules, o -> o);
        Dry otherSearches = dryRun(user, config, rules, o -> {
            List<SearchRequest> reversed = new ArrayList<>(o.searches());
            java.util.Collections.reverse(reversed);
            reversed.add(bogus);
            return new Opening(o.tableFrom(), reversed);
        });
        Dry otherTable = dryRun(user, config, rules, o -> new Opening(o.tableFrom() + 1, o.searches().subList(1,
                o.searches().size())));

        assertThat(none.result().ok()).as("%s", none.result()).isTrue();
        assertThat(none.result().planned()).isNotEmpty();
        assertThat(asGuessed.guessed()).satisfies(o -> {
            assertThat(o.tableFrom()).isEqualTo(1);
            assertThat(o.searches()).hasSize(15);
        });
        long searches = asGuessed.guessed().searches().size();
        for (Dry d : List.of(asGuessed, otherSearches, otherTable)) {
            assertThat(d.result().ok()).as("%s", d.result()).isTrue();
            assertThat(d.result().planned()).isEqualTo(none.result().planned());
            assertThat(d.result().ruleStats()).isEqualTo(none.result().ruleStats());
            assertThat(d.result().messages()).isEqualTo(none.result().messages());
        }
        // each request sent once when guessed right; written again after a wrong guess
        assertThat(asGuessed.result().commands()).containsEntry("UID SEARCH", searches).containsEntry("UID FETCH",
                none.result().commands().get("UID FETCH"));
        assertThat(otherSearches.result().commands()).containsEntry("UID SEARCH", 2 * searches + 1);
        assertThat(otherTable.result().commands().get("UID FETCH"))
                .isEqualTo(none.result().commands().get("UID FETCH") + 1);
    }

    private record Dry(RunResult result, Opening guessed) {
    }

    private Dry dryRun(String user, Config config, List<RuleSpec> rules, UnaryOperator<Opening> change)
            throws Exception {
        RunSettings settings = new RunSettings(true, config.safety().maxDeletesPerRun(), Optional.empty(), false,
                Optional.empty(), ZoneOffset.UTC, Clock.fixed(SampleMail.NOW, ZoneOffset.UTC), Optional.empty());
        try (ImapConnection c = ImapConnection.connect(dovecot.settings(user))) {
            Changing session = new Changing(c, change);
            RunResult result = new MailboxRun(session, "test", "INBOX", rules, Optional.of("Trash"), settings)
                    .execute();
            return new Dry(result, session.guessed);
        }
    }

    /** The connection, with the opening the run asks for replaced before the SELECT. */
    private static final class Changing implements ImapSession {
        private final ImapConnection c;
        private final UnaryOperator<Opening> change;
        private Opening guessed;

        Changing(ImapConnection c, UnaryOperator<Opening> change) {
            this.c = c;
            this.change = change;
        }

        @Override
        public MailboxSession select(String mailbox, boolean readOnly, Opening opening) throws ImapException {
            guessed = opening;
            return c.select(mailbox, readOnly, change.apply(opening));
        }

        @Override
        public MailboxSession select(String mailbox, boolean readOnly) throws ImapException {
            return select(mailbox, readOnly, Opening.NONE);
        }

        @Override
        public boolean hasCapability(String capability) {
            return c.hasCapability(capability);
        }

        @Override
        public boolean sentDatesInUtc() {
            return c.sentDatesInUtc();
        }

        @Override
        public List<String> list(String pattern) throws ImapException {
            return c.list(pattern);
        }

        @Override
        public Optional<String> specialUse(String attribute) throws ImapException {
            return c.specialUse(attribute);
        }

        @Override
        public void createIfMissing(String mailbox) throws ImapException {
            c.createIfMissing(mailbox);
        }

        @Override
        public void create(String mailbox) throws ImapException {
            c.create(mailbox);
        }

        @Override
        public long uidNext(String mailbox) throws ImapException {
            return c.uidNext(mailbox);
        }

        @Override
        public CommandCounter counter() {
            return c.counter();
        }

        @Override
        public boolean isAlive() {
            return c.isAlive();
        }

        @Override
        public String description() {
            return c.description();
        }

        @Override
        public void close() {
            c.close();
        }
    }
}
