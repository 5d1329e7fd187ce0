package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mailtidy.config.Config;
import org.mailtidy.testsupport.DelayProxy;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.TestMessage;

/**
 * A flight far above the old window of 128 KiB of commands (docs/adr/0018): deleting every other one of
 * 40,000 messages is 20,000 scattered UIDs, so the {@code \Deleted} STORE and the {@code UID EXPUNGE}
 * are some 30 command lines of 8,000 octets, and CONDSTORE makes Dovecot answer the STOREs with a
 * {@code FETCH (UID MODSEQ)} line per message (about 1 MB) while they are still being written. All of
 * it goes in one round trip, and the mailbox ends as the rule says.
 */
@Tag("dovecot")
class LargeFlightDovecotIT {
    private static final int MESSAGES = 40_000;
    private static final long OLD_WINDOW_OCTETS = 128 * 1024;

    private final Dovecot dovecot = Dovecot.get();

    @Test
    void theStoresAndExpungesOfTwentyThousandScatteredMessagesGoInOneRoundTrip() throws Exception {
        String user = dovecot.newUser("large-flight");
        List<TestMessage> messages = new ArrayList<>();
        Set<String> kept = new HashSet<>();
        for (int i = 1; i <= MESSAGES; i++) {
            TestMessage m = TestMessage.of((i % 2 == 1 ? "odd " : "even ") + i);
            messages.add(m);
            if (i % 2 == 0) {
                kept.add(m.messageId());
            }
        }
        dovecot.writeMaildir(user, "INBOX", messages);
        try (DelayProxy proxy = DelayProxy.to("127.0.0.1", dovecot.imapPort(), 40)) {
            Config config = EndToEnd.dovecotConfig(dovecot, proxy.port(), user, false, """
                    rules:
                      - name: purge-odd
                        match: {subject: odd}
                        delete: true
                    """);

            List<RunResult> results = EngineReferenceContract.runOnce(config);

            assertThat(results).singleElement().satisfies(r -> assertThat(r.error()).isEmpty());
            DelayProxy.Connection c = proxy.connections().get(0);
            assertThat(c.awaitClosed(10_000)).isTrue();
            List<List<String>> flights = c.flights();
            List<Integer> withStoreOrExpunge = new ArrayList<>();
            for (int i = 0; i < flights.size(); i++) {
                if (flights.get(i).stream().anyMatch(l -> l.contains("UID STORE") || l.contains("UID EXPUNGE"))) {
                    withStoreOrExpunge.add(i);
                }
            }
            assertThat(withStoreOrExpunge).as(c.summary()).hasSize(1);
            int last = withStoreOrExpunge.get(0);
            assertThat(c.flightOctets().get(last)).as(c.summary()).isGreaterThan(OLD_WINDOW_OCTETS);
            assertThat(flights.get(last)).as(c.summary())
                    .filteredOn(l -> l.contains("UID EXPUNGE")).hasSizeGreaterThan(1);
        }
        List<String> left = dovecot.fetch(user, "INBOX").stream().map(org.mailtidy.testsupport.StoredMessage::messageId).toList();
        assertThat(left).hasSize(kept.size());
        assertThat(Set.copyOf(left)).isEqualTo(kept);
    }
}
