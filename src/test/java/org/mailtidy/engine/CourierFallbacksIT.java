package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.mailtidy.config.Config;
import org.mailtidy.imap.ImapConnection;
import org.mailtidy.testsupport.Courier;
import org.mailtidy.testsupport.StoredMessage;
import org.mailtidy.testsupport.TestMessage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Courier-IMAP 5 lacks MOVE, CONDSTORE, ESEARCH, SPECIAL-USE, LITERAL+ and UNSELECT for real (no
 * proxy hides them): each fallback of the contract, on it.
 */
@Tag("courier")
class CourierFallbacksIT {
    private final Courier courier = Courier.get();

    @Test
    void theServerReallyLacksTheExtensions() throws Exception {
        String user = courier.newUser("caps");
        try (ImapConnection c = ImapConnection.connect(courier.settings(user))) {
            assertThat(c.capabilities()).contains("UIDPLUS", "NAMESPACE")
                    .doesNotContain("MOVE", "CONDSTORE", "ESEARCH", "SPECIAL-USE", "LITERAL+", "UNSELECT", "QRESYNC");
        }
    }

    @Test
    void aMoveIsCopyDeletedAndUidExpungeAndLeavesOtherClientsDeletedMail() {
        String user = courier.newUser("move");
        courier.load(user, "INBOX", List.of(message("list one"), message("stays"),
                message("others-deleted").withFlags("\\Deleted"), message("list two")));
        List<RunResult> results = EndToEnd.once(config(user, """
                rules:
                  - name: file-lists
                    match: {subject: list}
                    move_to: Lists
                """));

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.ok()).as(r.toString()).isTrue();
            assertThat(r.commands()).containsKeys("UID COPY", "UID EXPUNGE").doesNotContainKeys("UID MOVE", "EXPUNGE");
        });
        assertThat(ids(user, "INBOX")).containsExactly("<stays@test>", "<others-deleted@test>");
        assertThat(ids(user, "Lists")).containsExactly("<list-one@test>", "<list-two@test>");
        assertThat(courier.fetch(user, "Lists")).allSatisfy(m -> assertThat(m.flags()).doesNotContain("\\Deleted"));
    }

    @Test
    void aNonAsciiSearchGoesAsASynchronizingLiteral() {
        String user = courier.newUser("utf8");
        courier.load(user, "INBOX", List.of(
                message("plain"),
                message("x").withHeaders("Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_M=C3=BCnchen?="),
                message("y").withFrom("Jürgen Müller <j@example.org>")));
        List<RunResult> results = EndToEnd.once(config(user, """
                rules:
                  - name: greetings
                    match: {subject: grüße}
                    add_flags: [\\Flagged]
                  - name: family
                    match: {from: Müller}
                    add_flags: [$Family]
                """));

        assertThat(results).singleElement().satisfies(r -> assertThat(r.ok()).as(r.toString()).isTrue());
        List<StoredMessage> inbox = courier.fetch(user, "INBOX");
        assertThat(inbox.get(0).flags()).isEmpty();
        assertThat(inbox.get(1).flags()).containsExactly("\\Flagged");
        assertThat(inbox.get(2).flags()).containsExactly("$Family");
    }

    @Test
    void withoutSpecialUseTrashGoesToTheConfiguredTrashUnderTheNamespace() {
        String user = courier.newUser("trash");
        courier.load(user, "INBOX", List.of(message("spam"), message("ham")));
        List<RunResult> results = EndToEnd.once(config(user, """
                rules:
                  - name: spam
                    match: {subject: spam}
                    trash: true
                """));

        assertThat(results).singleElement().satisfies(r -> assertThat(r.ok()).as(r.toString()).isTrue());
        assertThat(ids(user, "INBOX")).containsExactly("<ham@test>");
        assertThat(courier.serverMailboxes(user)).contains("INBOX.Trash");
        assertThat(ids(user, "Trash")).containsExactly("<spam@test>");
    }

    @Test
    void aDryRunWithoutUnselectExpungesNothing() {
        String user = courier.newUser("dry");
        courier.load(user, "INBOX", List.of(message("others-deleted").withFlags("\\Deleted"), message("ad")));
        Config config = config(user, """
                rules:
                  - name: purge
                    match: {subject: ad}
                    delete: true
                """);
        RunSettings dry = RunSettings.from(config, true, java.util.Optional.empty(), java.util.Optional.empty());
        try {
            List<RunResult> results = new OncePass(config, dry, Connections::open)
                    .run(OncePass.selectRules(config, List.of(), null));
            assertThat(results).singleElement().satisfies(r -> assertThat(r.ok()).as(r.toString()).isTrue());
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertThat(ids(user, "INBOX")).containsExactly("<others-deleted@test>", "<ad@test>");
    }

    /**
     * Courier drops the connection on an atom over 16,376 bytes: every other one of 12,000 UIDs
     * makes a UID set of about 33,000 bytes, which must go in pieces under 8,000 octets.
     */
    @Test
    void aUidSetLongerThanCouriersAtomLimitGoesInPieces() {
        String user = courier.newUser("long-set");
        List<TestMessage> messages = new ArrayList<>();
        for (int i = 1; i <= 12_000; i++) {
            messages.add(message((i % 2 == 1 ? "odd " : "even ") + i));
        }
        courier.load(user, "INBOX", messages);
        List<RunResult> results = EndToEnd.once(config(user, """
                rules:
                  - name: odd
                    match: {subject: odd}
                    add_flags: [\\Flagged]
                """));

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.ok()).as(r.toString()).isTrue();
            assertThat(r.commands().get("UID STORE")).isGreaterThanOrEqualTo(3L);
        });
        List<StoredMessage> inbox = courier.fetch(user, "INBOX");
        assertThat(inbox).hasSize(12_000);
        assertThat(inbox).allSatisfy(m -> assertThat(m.flags().contains("\\Flagged"))
                .as(m.messageId()).isEqualTo(m.messageId().startsWith("<odd")));
    }

    private Config config(String user, String rules) {
        return EndToEnd.serverConfig(courier, user, rules);
    }

    private List<String> ids(String user, String mailbox) {
        return courier.fetch(user, mailbox).stream().map(StoredMessage::messageId).toList();
    }

    private static TestMessage message(String subject) {
        return TestMessage.of(subject).withMessageId("<" + subject.replace(' ', '-') + "@test>");
    }
}
