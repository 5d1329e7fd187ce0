package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mailtidy.rules.RuleStats;
import org.mailtidy.testsupport.GmailLikeProxy;
import org.mailtidy.testsupport.GreenMailServer;
import org.mailtidy.testsupport.StoredMessage;
import org.mailtidy.testsupport.TestMessage;

/**
 * On Gmail, {@code \Deleted} + EXPUNGE in a label mailbox only removes the label, so a {@code delete}
 * rule moves to the {@code \Trash} mailbox instead. GreenMail behind {@link GmailLikeProxy} announces
 * X-GM-EXT-1 and names {@code [Gmail]/Trash} as {@code \Trash}; the same rules on plain GreenMail
 * delete for real.
 */
class GmailDeleteTest {
    private static final String RULES = """
            rules:
              - name: purge-ads
                match: {subject: advert}
                add_flags: [\\Seen]
                delete: true
              - name: flag-rest
                match: {all_messages: true}
                add_flags: [\\Flagged]
            """;
    private static final GreenMailServer server = GreenMailServer.shared();

    private static String user() {
        String user = server.newUser("gmail");
        server.appendAll(user, "INBOX", List.of(TestMessage.of("advert 1").withMessageId("<ad1@gm.test>"),
                TestMessage.of("hello").withMessageId("<hello@gm.test>"),
                TestMessage.of("advert 2").withMessageId("<ad2@gm.test>").withFlags("\\Answered")));
        GmailLikeProxy.createTrash(server, user);
        return user;
    }

    private static RunResult run(String user, int port, String rules) {
        String yaml = "version: 1\naccounts:\n"
                + EndToEnd.account("gmail", server.host(), port, user, GreenMailServer.password(user)) + rules;
        List<RunResult> results = EndToEnd.once(EndToEnd.config(yaml));
        assertThat(results).singleElement();
        return results.get(0);
    }

    private static List<String> ids(String user, String mailbox) {
        return server.fetch(user, mailbox).stream().map(StoredMessage::messageId).sorted().toList();
    }

    @Test
    void aDeleteRuleOnGmailMovesToTheTrashAndExpungesNothingItself() throws Exception {
        String user = user();
        RunResult r;
        try (GmailLikeProxy gmail = GmailLikeProxy.in(server)) {
            r = run(user, gmail.port(), RULES);
        }

        assertThat(r.ok()).as("%s", r).isTrue();
        assertThat(ids(user, "INBOX")).containsExactly("<hello@gm.test>");
        assertThat(server.fetch(user, "[Gmail].Trash")).extracting(StoredMessage::messageId, StoredMessage::flags)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("<ad1@gm.test>", java.util.Set.of("\\Seen")),
                        org.assertj.core.groups.Tuple.tuple("<ad2@gm.test>", java.util.Set.of("\\Seen", "\\Answered")));
        // No \Deleted + UID EXPUNGE of mailtidy's own: on Gmail that would only have removed the INBOX label.
        assertThat(r.commands()).containsKey("UID MOVE").doesNotContainKey("UID EXPUNGE");
        assertThat(r.ruleStats()).contains(new RuleStats("purge-ads", 2, 2, 0, 2, 0));
        assertThat(r.notes()).contains("on Gmail, delete moves to [Gmail]/Trash: 2 messages (an expunge would only"
                + " remove this mailbox's label)");
    }

    @Test
    void theSameRulesOnAPlainServerExpunge() {
        String user = user();

        RunResult r = run(user, server.port(), RULES);

        assertThat(r.ok()).as("%s", r).isTrue();
        assertThat(ids(user, "INBOX")).containsExactly("<hello@gm.test>");
        assertThat(server.fetch(user, "[Gmail].Trash")).isEmpty();
        assertThat(r.commands()).containsKey("UID EXPUNGE").doesNotContainKey("UID MOVE");
        assertThat(r.ruleStats()).contains(new RuleStats("purge-ads", 2, 2, 0, 0, 2));
    }

    @Test
    void inTheGmailTrashItselfDeleteDeletes() throws Exception {
        String user = user();
        server.appendAll(user, "[Gmail].Trash", List.of(TestMessage.of("advert old").withMessageId("<old@gm.test>")));
        String rules = """
                rules:
                  - name: empty-trash
                    mailbox: "[Gmail]/Trash"
                    match: {subject: advert}
                    delete: true
                """;
        RunResult r;
        try (GmailLikeProxy gmail = GmailLikeProxy.in(server)) {
            r = run(user, gmail.port(), rules);
        }

        assertThat(r.ok()).as("%s", r).isTrue();
        assertThat(server.fetch(user, "[Gmail].Trash")).isEmpty();
        assertThat(r.commands()).containsKey("UID EXPUNGE");
    }

    @Test
    void withoutATrashMailboxOnGmailTheRunFailsAndDeletesNothing() throws Exception {
        String user = server.newUser("gmail-notrash");
        server.appendAll(user, "INBOX", List.of(TestMessage.of("advert 1"), TestMessage.of("hello")));
        RunResult r;
        try (GmailLikeProxy gmail = GmailLikeProxy.in(server)) {
            r = run(user, gmail.port(), RULES);
        }

        assertThat(r.ok()).isFalse();
        assertThat(r.error().orElseThrow()).contains("a rule says delete: true, which on Gmail means moving to the"
                + " trash, but account gmail has no trash_mailbox and the server names no \\Trash mailbox");
        assertThat(server.fetch(user, "INBOX")).hasSize(2)
                .allSatisfy(m -> assertThat(m.flags()).doesNotContain("\\Deleted", "\\Flagged"));
    }
}
