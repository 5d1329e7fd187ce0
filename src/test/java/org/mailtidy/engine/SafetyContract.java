package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.mailtidy.config.Config;
import org.mailtidy.testsupport.MailServer;
import org.mailtidy.testsupport.StoredMessage;
import org.mailtidy.testsupport.TestMessage;
import org.junit.jupiter.api.Test;

/**
 * The safety promises every server must keep (one small subclass per server): a dry run changes
 * nothing and sends no changing command; a message another client marked {@code \Deleted} survives
 * a run that expunges the rules' own deletions.
 */
abstract class SafetyContract {
    static final String SAFETY_RULES = """
            rules:
              - name: tag-reports
                match: {subject: report}
                add_flags: [\\Flagged, Reviewed]
              - name: purge-ads
                match: {subject: advert}
                delete: true
              - name: file-lists
                match: {subject: list}
                move_to: Lists
            """;

    /** The server under test (started on first use). */
    abstract MailServer server();

    @Test
    void aDryRunChangesNothingOnTheServerAndSendsNoChangingCommand() throws Exception {
        String user = sixMessages();
        List<StoredMessage> before = server().fetch(user, "INBOX");

        List<RunResult> results = EndToEnd.once(config(user, "  dry_run: true\n"));

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.ok()).isTrue();
            assertThat(r.planned()).contains("UID STORE +FLAGS.SILENT (Reviewed \\Flagged) of 2 messages",
                    "UID MOVE to Lists of 1 message", "UID EXPUNGE of 2 messages");
            assertThat(r.commands()).containsKey("EXAMINE").doesNotContainKeys("SELECT", "UID STORE", "UID COPY",
                    "UID MOVE", "UID EXPUNGE", "EXPUNGE", "CREATE", "APPEND");
            assertThat(r.ruleStats()).extracting(s -> s.matched()).containsExactly(2, 2, 1);
        });
        assertThat(server().fetch(user, "INBOX")).isEqualTo(before);
    }

    @Test
    void anotherClientsDeletedMessageSurvivesTheRun() throws Exception {
        String user = sixMessages();
        long othersUid = server().fetch(user, "INBOX").stream().filter(m -> m.messageId().equals("<keep-me@test>"))
                .findFirst().orElseThrow().uid();
        server().addFlags(user, "INBOX", othersUid, "\\Deleted");

        List<RunResult> results = EndToEnd.once(config(user, ""));

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.ok()).isTrue();
            assertThat(r.ruleStats()).extracting(s -> s.deleted()).containsExactly(0, 2, 0);
        });
        List<StoredMessage> after = server().fetch(user, "INBOX");
        assertThat(after).extracting(StoredMessage::messageId)
                .containsExactlyInAnyOrder("<report-1@test>", "<report-2@test>", "<keep-me@test>");
        assertThat(after).filteredOn(m -> m.messageId().equals("<keep-me@test>"))
                .singleElement().satisfies(m -> assertThat(m.flags()).contains("\\Deleted"));
        assertThat(after).filteredOn(m -> m.messageId().startsWith("<report-"))
                .allSatisfy(m -> assertThat(m.flags()).contains("\\Flagged", "Reviewed"));
        assertThat(server().fetch(user, "Lists")).extracting(StoredMessage::messageId).containsExactly("<list-1@test>");
    }

    /** {@code safety}: more lines of the safety block, which serverConfig's text ends with, before the rules. */
    private Config config(String user, String safety) {
        return EndToEnd.serverConfig(server(), user, safety + SAFETY_RULES);
    }

    private String sixMessages() {
        String user = server().newUser("safety");
        server().load(user, "INBOX", List.of(
                TestMessage.of("Quarterly report").withMessageId("<report-1@test>"),
                TestMessage.of("Annual report").withMessageId("<report-2@test>").withFlags("\\Seen"),
                TestMessage.of("advert: buy now").withMessageId("<ad-1@test>"),
                TestMessage.of("another advert").withMessageId("<ad-2@test>").withFlags("\\Deleted"),
                TestMessage.of("mailing list digest").withMessageId("<list-1@test>"),
                TestMessage.of("something else").withMessageId("<keep-me@test>")));
        return user;
    }
}
