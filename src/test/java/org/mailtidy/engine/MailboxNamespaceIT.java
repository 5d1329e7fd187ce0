package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.mailtidy.testsupport.Courier;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.MailServer;
import org.mailtidy.testsupport.StoredMessage;
import org.mailtidy.testsupport.TestMessage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Mailbox names in the rule file are relative to the personal namespace (contract, "Meaning of a
 * run"): the same rule file does the same on Dovecot ({@code "" "."}) and Courier
 * ({@code "INBOX." "."}); a wildcard that matches nothing is reported.
 */
@Tag("courier")
class MailboxNamespaceIT {
    private static final String RULES = """
            rules:
              - name: lists-done
                mailboxes: ["Lists/*"]
                match: {subject: done}
                add_flags: [\\Seen]
              - name: file-dev
                match: {subject: dev}
                move_to: Lists/dev
              - name: archive-old
                match: {subject: old}
                move_to: Archive/2024
              - name: copy-keep
                match: {subject: keep}
                copy_to: Copies
              - name: nothing-there
                mailboxes: ["Nothing/*"]
                match: {all_messages: true}
                add_flags: [\\Flagged]
            """;

    static Stream<MailServer> servers() {
        return Stream.of(Dovecot.get(), Courier.get());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void theSameRuleFileDoesTheSameOnEveryNamespace(MailServer server) {
        String user = server.newUser("ns");
        server.load(user, "INBOX", List.of(message("dev 1"), message("old 1"), message("keep")));
        server.load(user, "Lists/dev", List.of(message("done 1")));
        server.load(user, "Lists/announce", List.of(message("done 2")));

        List<RunResult> results = EndToEnd.once(EndToEnd.serverConfig(server, user, RULES));

        assertThat(results).filteredOn(r -> !r.ok()).isEmpty();
        assertThat(results).extracting(RunResult::mailbox)
                .containsExactlyInAnyOrder("Lists/announce", "Lists/dev", "INBOX", "Nothing/*");
        assertThat(EndToEnd.result(results, "Nothing/*").notes()).singleElement().asString()
                .startsWith("no mailbox matches 'Nothing/*': rules nothing-there ran on no mailbox");
        assertThat(subjects(server, user, "INBOX")).containsExactly("<keep@test>");
        assertThat(subjects(server, user, "Lists/dev")).containsExactlyInAnyOrder("<done-1@test>", "<dev-1@test>");
        assertThat(server.fetch(user, "Lists/announce")).singleElement()
                .satisfies(m -> assertThat(m.flags()).contains("\\Seen"));
        assertThat(subjects(server, user, "Archive/2024")).containsExactly("<old-1@test>");
        assertThat(subjects(server, user, "Copies")).containsExactly("<keep@test>");
    }

    @Test
    void onCourierEveryMailboxIsUnderInboxAndPrefixedNamesAreTakenAsTheyAre() {
        Courier courier = Courier.get();
        String user = courier.newUser("ns-prefixed");
        courier.load(user, "INBOX", List.of(message("dev 2"), message("old 2")));
        courier.load(user, "Lists/dev", List.of(message("done 3")));
        String rules = """
                rules:
                  - name: prefixed-wildcard
                    mailboxes: ["INBOX/Lists/%"]
                    match: {subject: done}
                    add_flags: [\\Flagged]
                  - name: prefixed-destination
                    match: {subject: dev}
                    move_to: INBOX/Lists/dev
                  - name: everything
                    mailboxes: ["*"]
                    match: {subject: old}
                    add_flags: [$Seen-by-star]
                """;

        List<RunResult> results = EndToEnd.once(EndToEnd.serverConfig(courier, user, rules));

        assertThat(results).allSatisfy(r -> assertThat(r.ok()).as(r.toString()).isTrue());
        assertThat(results).extracting(RunResult::mailbox).contains("INBOX/Lists/dev", "INBOX", "Lists/dev");
        assertThat(courier.serverMailboxes(user)).allMatch(n -> n.equals("INBOX") || n.startsWith("INBOX."))
                .doesNotContain("INBOX.INBOX.Lists.dev");
        assertThat(subjects(courier, user, "Lists/dev")).containsExactlyInAnyOrder("<done-3@test>", "<dev-2@test>");
        assertThat(courier.fetch(user, "Lists/dev")).filteredOn(m -> m.messageId().equals("<done-3@test>"))
                .singleElement().satisfies(m -> assertThat(m.flags()).contains("\\Flagged"));
        // "*" names INBOX too, although INBOX is not under the prefix "INBOX.".
        assertThat(courier.fetch(user, "INBOX")).singleElement()
                .satisfies(m -> assertThat(m.flags()).contains("$Seen-by-star"));
    }

    private static TestMessage message(String subject) {
        return TestMessage.of(subject).withMessageId("<" + subject.replace(' ', '-') + "@test>");
    }

    private static List<String> subjects(MailServer server, String user, String mailbox) {
        return server.fetch(user, mailbox).stream().map(StoredMessage::messageId).toList();
    }
}
