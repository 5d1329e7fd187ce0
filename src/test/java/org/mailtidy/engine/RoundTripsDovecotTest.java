package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.mailtidy.config.Config;
import org.mailtidy.testsupport.DelayProxy;
import org.mailtidy.testsupport.Dovecot;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * How many times a {@code once} run waits for the server, counted by a delay proxy (see {@link
 * DelayProxy} for what a round trip is): the reference rule set (every criterion and action: flags,
 * copy, move, trash, delete, regex, non-ASCII text) on the private Dovecot, from connect to exit.
 */
@Tag("dovecot")
class RoundTripsDovecotTest {
    /** Enough that a flight of pipelined commands is written before its first answer is back. */
    private static final long RTT_MILLIS = 40;

    private final Dovecot dovecot = Dovecot.get();

    @Test
    void aOnceRunOfTheReferenceRulesTakesAHandfulOfRoundTrips() throws Exception {
        String user = dovecot.newUser("rtt");
        dovecot.writeMaildir(user, "INBOX", SampleMail.generate(300, user).stream().map(SampleMail.Sample::raw)
                .toList());
        dovecot.createMailbox(user, "Trash");
        try (DelayProxy proxy = DelayProxy.to("127.0.0.1", dovecot.imapPort(), RTT_MILLIS)) {
            Config config = EndToEnd.dovecotConfig(dovecot, proxy.port(), user, false,
                    EngineReferenceContract.RULES);
            List<RunResult> results = EngineReferenceContract.runOnce(config);
            assertThat(results).singleElement().satisfies(r -> assertThat(r.error()).isEmpty());
            assertThat(proxy.connections()).singleElement().satisfies(c -> {
                assertThat(c.awaitClosed(10_000)).isTrue();
                // Before pipelining (main at 17:28 UTC on 2026-12-07): 98.
                assertThat(c.roundTrips()).as(c.toString()).isLessThanOrEqualTo(31);
            });
        }
    }
}
