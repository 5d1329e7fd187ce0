package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.mailtidy.config.Config;
import org.mailtidy.imap.ImapConnection;
import org.mailtidy.testsupport.Mailutils;
import org.mailtidy.testsupport.StoredMessage;
import org.mailtidy.testsupport.TestMessage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** GNU Mailutils imap4d 3.15 has no UIDPLUS and stores no keywords, for real: the contract's answers. */
@Tag("mailutils")
class MailutilsFallbacksIT {
    private final Mailutils mailutils = Mailutils.get();

    @Test
    void theServerReallyLacksThem() throws Exception {
        String user = mailutils.newUser("caps");
        try (ImapConnection c = ImapConnection.connect(mailutils.settings(user))) {
            assertThat(c.capabilities()).doesNotContain("UIDPLUS", "MOVE", "CONDSTORE");
        }
    }

    @Test
    void withoutUidplusNothingIsExpungedAndTheRunSaysWhy() {
        String user = mailutils.newUser("no-uidplus");
        mailutils.load(user, "INBOX", List.of(message("advert"), message("keep"),
                message("others-deleted").withFlags("\\Deleted")));
        List<RunResult> results = EndToEnd.once(config(user, """
                rules:
                  - name: purge-ads
                    match: {subject: advert}
                    delete: true
                """));

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.ok()).as(r.toString()).isTrue();
            assertThat(r.notes()).singleElement().asString()
                    .startsWith("the server has no UIDPLUS (RFC 4315), so 1 messages were marked \\Deleted but not expunged");
            assertThat(r.commands()).doesNotContainKeys("EXPUNGE", "UID EXPUNGE", "CLOSE");
        });
        List<StoredMessage> inbox = mailutils.fetch(user, "INBOX");
        assertThat(inbox).extracting(StoredMessage::messageId)
                .containsExactly("<advert@test>", "<keep@test>", "<others-deleted@test>");
        assertThat(inbox.get(0).flags()).contains("\\Deleted");
        assertThat(inbox.get(1).flags()).doesNotContain("\\Deleted");
    }

    @Test
    void aKeywordRuleIsRefusedNamingTheRuleAndNothingIsChanged() {
        String user = mailutils.newUser("no-keywords");
        mailutils.load(user, "INBOX", List.of(message("report"), message("other")));
        List<RunResult> results = EndToEnd.once(config(user, """
                rules:
                  - name: seen-reports
                    match: {subject: report}
                    add_flags: [\\Seen]
                  - name: tag-reports
                    match: {subject: report}
                    add_flags: [Reviewed]
                """));

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.ok()).isFalse();
            assertThat(r.error().orElseThrow()).startsWith("the mailbox cannot store Reviewed (PERMANENTFLAGS ")
                    .endsWith("), needed by rule tag-reports; nothing was changed");
        });
        assertThat(mailutils.fetch(user, "INBOX")).allSatisfy(m -> assertThat(m.flags()).isEmpty());
    }

    private Config config(String user, String rules) {
        return EndToEnd.serverConfig(mailutils, user, rules);
    }

    private static TestMessage message(String subject) {
        return TestMessage.of(subject).withMessageId("<" + subject.replace(' ', '-') + "@test>");
    }
}
