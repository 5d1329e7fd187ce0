package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.mailtidy.config.Config;
import org.mailtidy.testsupport.DelayProxy;
import org.mailtidy.testsupport.Dovecot;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * How many times a {@code once} run waits for the server, from connect to exit, counted by a delay
 * proxy (see {@link DelayProxy} for what a round trip is): the reference rule set (every criterion
 * and action: flags, copy, move, trash, delete, regex, non-ASCII text) on the private Dovecot.
 *
 * <p>Before pipelining (main of 2026-12-07, 17:28 UTC) the first run took 98 round trips: one per
 * UID SEARCH (15), one per STORE piece (67, CONDSTORE splitting stores by mod-sequence), LIST +
 * CREATE + SUBSCRIBE per destination, NOOPs, AUTHENTICATE's empty continuation. With the first
 * pipelining (commit 49d56ca): 26 and 11.
 */
@Tag("dovecot")
class RoundTripsDovecotIT {
    /** Enough that a flight of pipelined commands is written before its first answer is back. */
    private static final long RTT_MILLIS = 40;

    private final Dovecot dovecot = Dovecot.get();

    @Test
    void aOnceRunOfTheReferenceRulesTakesAHandfulOfRoundTrips() throws Exception {
        String user = dovecot.newUser("rtt");
        dovecot.writeMaildir(user, "INBOX", SampleMail.generate(300, "rtt").stream().map(SampleMail.Sample::raw)
                .toList());
        dovecot.createMailbox(user, "Trash");
        try (DelayProxy proxy = DelayProxy.to("127.0.0.1", dovecot.imapPort(), RTT_MILLIS)) {
            Config config = EndToEnd.dovecotConfig(dovecot, proxy.port(), user, false,
                    EngineReferenceContract.RULES);

            DelayProxy.Connection first = once(proxy, config);
            // greeting, AUTHENTICATE (SASL-IR), ENABLE + NAMESPACE + SELECT + the table + every search (written
            // with the SELECT, docs/adr/0015), the regex headers, the COPY to Receipts (refused: TRYCREATE), CREATE + SUBSCRIBE + the COPY again,
            // 4 store flights (a message in up to that many stores), the three MOVEs, CREATE + SUBSCRIBE of
            // the two missing destinations + their MOVEs again, \Deleted + UID EXPUNGE; UNSELECT and
            // LOGOUT are written and not waited for: 13
            assertThat(first.roundTrips()).as(first.toString()).isLessThanOrEqualTo(13);
            assertThat(first.unanswered()).as(first.toString()).hasSize(2);
            assertThat(first.flights().get(2)).as(first.toString())
                    .anySatisfy(line -> assertThat(line).contains("ENABLE QRESYNC"))
                    .anySatisfy(line -> assertThat(line).contains("SELECT INBOX"))
                    .anySatisfy(line -> assertThat(line).contains("UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE)"))
                    .filteredOn(line -> line.contains("UID SEARCH")).hasSize(15);
            // the answers written ahead were used: neither the table nor a search was sent again
            assertThat(first.flights().stream().flatMap(List::stream)).as(first.toString())
                    .filteredOn(line -> line.contains("UID FETCH 1:* (UID FLAGS") || line.contains("UID SEARCH"))
                    .hasSize(16);
            assertThat(first.flights().get(first.roundTrips() - 1)).as(first.toString())
                    .anySatisfy(line -> assertThat(line).contains("UID EXPUNGE"))
                    .anySatisfy(line -> assertThat(line).contains("UID STORE"));

            proxy.reset();
            DelayProxy.Connection again = once(proxy, config);
            // the same rules on the tidied mailbox: greeting, AUTHENTICATE, ENABLE + NAMESPACE + SELECT + the
            // table + every search, the regex headers, the receipts copied again (no state directory, so no
            // copy record); UNSELECT and LOGOUT not waited for
            assertThat(again.roundTrips()).as(again.toString()).isLessThanOrEqualTo(5);
        }
    }

    private static DelayProxy.Connection once(DelayProxy proxy, Config config) throws Exception {
        List<RunResult> results = EngineReferenceContract.runOnce(config);
        assertThat(results).singleElement().satisfies(r -> assertThat(r.error()).isEmpty());
        assertThat(proxy.connections()).hasSize(1);
        DelayProxy.Connection c = proxy.connections().get(0);
        assertThat(c.awaitClosed(10_000)).isTrue();
        return c;
    }
}
