package org.mailtidy.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The private Courier and Mailutils load and read back mail as the contract tests need. */
class ServerFixturesIT {
    static Stream<MailServer> servers() {
        return Stream.of(Courier.get(), Mailutils.get());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void loadedMessagesComeBackInOrderWithTheirFlags(MailServer server) {
        String user = server.newUser("fixture");
        Instant t = Instant.parse("2025-03-03T10:00:00Z");
        List<TestMessage> messages = List.of(
                TestMessage.of("one").withMessageId("<one@test>").withInternalDate(t).withFlags("\\Seen"),
                TestMessage.of("two").withMessageId("<two@test>").withInternalDate(t).withFlags("\\Flagged", "\\Deleted"),
                TestMessage.of("three").withMessageId("<three@test>").withInternalDate(t));
        server.load(user, "INBOX", messages);
        server.load(user, "Lists/dev", messages.subList(0, 1));

        List<StoredMessage> inbox = server.fetch(user, "INBOX");
        assertThat(inbox).extracting(StoredMessage::messageId).containsExactly("<one@test>", "<two@test>", "<three@test>");
        assertThat(inbox).extracting(StoredMessage::flags)
                .containsExactly(java.util.Set.of("\\Seen"), java.util.Set.of("\\Flagged", "\\Deleted"), java.util.Set.of());
        assertThat(server.fetch(user, "Lists/dev")).extracting(StoredMessage::messageId).containsExactly("<one@test>");
        server.addFlags(user, "INBOX", inbox.get(2).uid(), "\\Answered");
        assertThat(server.fetch(user, "INBOX").get(2).flags()).containsExactly("\\Answered");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void everyUserLogsInAtOnceAfterItIsMade(MailServer server) {
        for (int i = 0; i < 3; i++) {
            String user = server.newUser("quick");
            assertThat(server.fetch(user, "INBOX")).isEmpty();
        }
    }
}
