package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.mailtidy.testsupport.CapabilityFilterProxy;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.StoredMessage;
import org.mailtidy.testsupport.TestMessage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Dovecot with MOVE or UIDPLUS hidden by a proxy: the fallbacks of the contract. */
@Tag("dovecot")
class MissingExtensionsDovecotIT {
    private static final String RULES = """
            rules:
              - name: purge-ads
                match: {subject: advert}
                delete: true
              - name: file-lists
                match: {subject: list}
                move_to: Lists
            """;

    private final Dovecot dovecot = Dovecot.get();

    @Test
    void withoutMoveMessagesAreCopiedMarkedAndExpungedByUid() throws Exception {
        String user = mailbox();
        try (CapabilityFilterProxy proxy = new CapabilityFilterProxy("127.0.0.1", dovecot.imapPort(), Set.of("MOVE"))) {
            List<RunResult> results = run(user, proxy.port(), false);
            assertThat(results).singleElement().satisfies(r -> assertThat(r.ok()).as(r.toString()).isTrue());
        }
        assertThat(ids(user, "INBOX")).containsExactlyInAnyOrder("<report@test>", "<keep-me@test>");
        assertThat(ids(user, "Lists")).containsExactly("<list@test>");
        List<String> wire = dovecot.rawCommands(user);
        assertThat(wire).noneMatch(l -> l.matches("(?i)\\S+ UID MOVE .*"));
        assertThat(wire).filteredOn(l -> l.matches("(?i)\\S+ UID EXPUNGE .*")).hasSize(1);
    }

    @Test
    void withoutUidplusNothingIsExpungedAndTheRunSaysWhy() throws Exception {
        String user = mailbox();
        try (CapabilityFilterProxy proxy = new CapabilityFilterProxy("127.0.0.1", dovecot.imapPort(),
                Set.of("UIDPLUS"))) {
            List<RunResult> results = run(user, proxy.port(), false);
            assertThat(results).singleElement().satisfies(r -> {
                assertThat(r.ok()).isTrue();
                assertThat(r.notes()).singleElement().asString().startsWith("the server has no UIDPLUS (RFC 4315), so 1"
                        + " messages were marked \\Deleted but not expunged");
            });
        }
        List<StoredMessage> inbox = dovecot.fetch(user, "INBOX");
        assertThat(inbox).extracting(StoredMessage::messageId).contains("<ad@test>", "<keep-me@test>");
        assertThat(inbox).filteredOn(m -> m.messageId().equals("<ad@test>")).singleElement()
                .satisfies(m -> assertThat(m.flags()).contains("\\Deleted"));
        assertThat(dovecot.rawCommands(user)).noneMatch(l -> l.matches("(?i)\\S+ (UID )?EXPUNGE.*|\\S+ CLOSE.*"));
    }

    @Test
    void withoutUidplusAMailboxWideExpungeIsSentOnlyWhenAllowed() throws Exception {
        String user = mailbox();
        try (CapabilityFilterProxy proxy = new CapabilityFilterProxy("127.0.0.1", dovecot.imapPort(),
                Set.of("UIDPLUS"))) {
            List<RunResult> results = run(user, proxy.port(), true);
            assertThat(results).singleElement().satisfies(r -> assertThat(r.ok()).isTrue());
        }
        // As the user accepted: another client's \Deleted message goes too.
        assertThat(ids(user, "INBOX")).containsExactlyInAnyOrder("<report@test>");
    }

    @Test
    void aKeywordTheMailboxCannotStoreFailsTheRunBeforeAnythingIsSent() throws Exception {
        String user = mailbox();
        String rules = RULES + """
                  - name: tag-reports
                    match: {subject: report}
                    add_flags: [Reviewed]
                """;
        // As a server that allows only the system flags would announce it (RFC 3501 section 7.1).
        try (CapabilityFilterProxy proxy = new CapabilityFilterProxy("127.0.0.1", dovecot.imapPort(), Set.of(),
                line -> line.replaceAll("\\[PERMANENTFLAGS \\([^)]*\\)\\]",
                        "[PERMANENTFLAGS (\\\\Answered \\\\Flagged \\\\Deleted \\\\Seen \\\\Draft)]"))) {
            List<RunResult> results = run(user, proxy.port(), false, rules);
            assertThat(results).singleElement().satisfies(r -> {
                assertThat(r.ok()).isFalse();
                assertThat(r.error().orElseThrow()).startsWith("the mailbox cannot store Reviewed (PERMANENTFLAGS ")
                        .endsWith("), needed by rule tag-reports; nothing was changed");
            });
        }
        assertThat(ids(user, "INBOX")).hasSize(4);
        assertThat(dovecot.rawCommands(user)).noneMatch(l -> l.matches("(?i)\\S+ UID (STORE|MOVE|EXPUNGE) .*"));
    }

    private String mailbox() {
        String user = dovecot.newUser("noext");
        dovecot.writeMaildir(user, "INBOX", List.of(
                TestMessage.of("report").withMessageId("<report@test>"),
                TestMessage.of("advert").withMessageId("<ad@test>"),
                TestMessage.of("list mail").withMessageId("<list@test>"),
                TestMessage.of("other").withMessageId("<keep-me@test>").withFlags("\\Deleted")));
        return user;
    }

    private List<String> ids(String user, String mailbox) {
        return dovecot.fetch(user, mailbox).stream().map(StoredMessage::messageId).toList();
    }

    private List<RunResult> run(String user, int port, boolean expungeWithoutUidplus) {
        return run(user, port, expungeWithoutUidplus, RULES);
    }

    private List<RunResult> run(String user, int port, boolean expungeWithoutUidplus, String rules) {
        String yaml = "version: 1\naccounts:\n"
                + EndToEnd.account("test", "127.0.0.1", port, user, Dovecot.password(user))
                + "safety:\n  expunge_without_uidplus: " + expungeWithoutUidplus + "\n" + rules;
        return EndToEnd.once(EndToEnd.config(yaml));
    }
}
