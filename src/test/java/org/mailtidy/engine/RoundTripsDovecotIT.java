package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.mailtidy.config.Config;
import org.mailtidy.testsupport.DelayProxy;
import org.mailtidy.testsupport.Dovecot;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How many times a {@code once} run waits for the server, from connect to exit, counted by a delay
 * proxy (see {@link DelayProxy} for what a round trip is): the reference rule set (every criterion
 * and action: flags, copy, move, trash, delete, regex, non-ASCII text) on the private Dovecot.
 *
 * <p>Before pipelining (main of 2026-12-07, 17:28 UTC) the first run took 98 round trips: one per
 * UID SEARCH (15), one per STORE piece (67, CONDSTORE splitting stores by mod-sequence), LIST +
 * CREATE + SUBSCRIBE per destination, NOOPs, AUTHENTICATE's empty continuation. With the first
 * pipelining (commit 49d56ca): 26 and 11; with the writes ahead of decision 14: 15 and 7. Then (issue 15,
 * second stop): the table and the searches written with the SELECT (decision 15), each message's stores
 * folded into one STORE (decision 16), a CREATE in front of a COPY or MOVE to a destination not known to
 * exist (decision 17), the \Deleted store and UID EXPUNGE before the moves (decision 14's amendment):
 * 7 and 5.
 */
@Tag("dovecot")
class RoundTripsDovecotIT {
    /** Enough that a flight of pipelined commands is written before its first answer is back. */
    private static final long RTT_MILLIS = 40;
    /**
     * With a state directory the client writes files (fsync) between commands it does not wait for
     * (the SUBSCRIBEs written ahead, then UNSELECT and LOGOUT after the journal and cache are saved); an
     * answer back before the next write would count as a round trip the client never waited for.
     */
    private static final long RTT_WITH_FILES_MILLIS = 200;

    private final Dovecot dovecot = Dovecot.get();

    @Test
    void aOnceRunOfTheReferenceRulesTakesAHandfulOfRoundTrips() throws Exception {
        String user = referenceMailbox("rtt");
        try (DelayProxy proxy = DelayProxy.to("127.0.0.1", dovecot.imapPort(), RTT_MILLIS)) {
            Config config = EndToEnd.dovecotConfig(dovecot, proxy.port(), user, false,
                    EngineReferenceContract.RULES);

            DelayProxy.Connection first = once(proxy, config);
            // greeting, AUTHENTICATE (SASL-IR), ENABLE + NAMESPACE + SELECT + the table + every search (written
            // with the SELECT, docs/adr/0015), the regex headers, CREATE Receipts + the COPY to it, one store
            // flight (each message's stores folded into one STORE, with the \Deleted of the deleted messages
            // and the UID EXPUNGE: no moved message is deleted, so they go before the moves; it carries the
            // SUBSCRIBE of Receipts, written ahead), CREATE of the three destinations + the three MOVEs (Trash
            // exists: ALREADYEXISTS); the SUBSCRIBEs of the two made, UNSELECT and LOGOUT are written and not
            // waited for: 7
            assertThat(first.roundTrips()).as(first.toString()).isLessThanOrEqualTo(7);
            assertThat(first.flights()).as(first.toString())
                    .anySatisfy(flight -> assertThat(flight)
                            .anySatisfy(line -> assertThat(line).endsWith("CREATE Receipts"))
                            .anySatisfy(line -> assertThat(line).contains("UID COPY")))
                    .anySatisfy(flight -> assertThat(flight)
                            .anySatisfy(line -> assertThat(line).endsWith("CREATE Archive"))
                            .anySatisfy(line -> assertThat(line).contains("UID MOVE")))
                    .noneSatisfy(flight -> assertThat(flight)
                            .anySatisfy(line -> assertThat(line).endsWith("SUBSCRIBE Trash")));
            assertThat(first.unanswered()).as(first.toString()).hasSize(4)
                    .anySatisfy(line -> assertThat(line).endsWith("SUBSCRIBE Archive"));
            assertThat(first.flights().get(2)).as(first.toString())
                    .anySatisfy(line -> assertThat(line).contains("ENABLE QRESYNC"))
                    .anySatisfy(line -> assertThat(line).contains("SELECT INBOX"))
                    .anySatisfy(line -> assertThat(line).contains("UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE)"))
                    .filteredOn(line -> line.contains("UID SEARCH")).hasSize(15);
            // the answers written ahead were used: neither the table nor a search was sent again
            assertThat(first.flights().stream().flatMap(List::stream)).as(first.toString())
                    .filteredOn(line -> line.contains("UID FETCH 1:* (UID FLAGS") || line.contains("UID SEARCH"))
                    .hasSize(16);
            assertThat(first.flights().get(first.roundTrips() - 2)).as(first.toString())
                    .anySatisfy(line -> assertThat(line).contains("UID EXPUNGE"))
                    .anySatisfy(line -> assertThat(line).contains("FLAGS.SILENT ($"));
            assertThat(first.flights().get(first.roundTrips() - 1)).as(first.toString())
                    .allSatisfy(line -> assertThat(line).containsAnyOf("CREATE", "UID MOVE"));

            proxy.reset();
            DelayProxy.Connection again = once(proxy, config);
            // the same rules on the tidied mailbox: greeting, AUTHENTICATE, ENABLE + NAMESPACE + SELECT + the
            // table + every search, the regex headers, the receipts copied again (no state directory, so no
            // copy record); UNSELECT and LOGOUT not waited for
            assertThat(again.roundTrips()).as(again.toString()).isLessThanOrEqualTo(5);
        }
    }

    /**
     * As users run it: with a state directory (the default of {@code once} and the daemon), so the copy
     * is journaled (the destination's UIDNEXT read before the COPY) and the second run reads the
     * mailbox cache.
     */
    @Test
    void withAStateDirectoryTheJournaledCopyCostsOneRoundTripMore(@TempDir Path state) throws Exception {
        String user = referenceMailbox("rtts");
        try (DelayProxy proxy = DelayProxy.to("127.0.0.1", dovecot.imapPort(), RTT_WITH_FILES_MILLIS)) {
            Config config = EndToEnd.dovecotConfig(dovecot, proxy.port(), user, false,
                    EngineReferenceContract.RULES);
            RunSettings settings = new RunSettings(false, config.safety().maxDeletesPerRun(), Optional.empty(), false,
                    Optional.empty(), ZoneOffset.UTC, Clock.fixed(SampleMail.NOW, ZoneOffset.UTC),
                    Optional.of(new StateDir(state)));

            DelayProxy.Connection first = once(proxy, config, settings);
            // as without a state directory, and CREATE Receipts + STATUS Receipts (UIDNEXT) in a flight of
            // their own before the COPY (the journal must hold UIDNEXT before the COPY is sent): 8
            assertThat(first.roundTrips()).as(first.toString()).isLessThanOrEqualTo(8);
            assertThat(first.flights()).as(first.toString())
                    .anySatisfy(flight -> assertThat(flight)
                            .anySatisfy(line -> assertThat(line).endsWith("CREATE Receipts"))
                            .anySatisfy(line -> assertThat(line).contains("STATUS Receipts (UIDNEXT)")));

            proxy.reset();
            DelayProxy.Connection again = once(proxy, config, settings);
            // the tidied mailbox from the cache: greeting, AUTHENTICATE, ENABLE + NAMESPACE + SELECT (QRESYNC),
            // the changes since the cached mod-sequence; nothing to do
            assertThat(again.roundTrips()).as(again.toString()).isLessThanOrEqualTo(4);
        }
    }

    /** A new user with 300 sample messages in INBOX and a Trash mailbox, as the reference rules expect. */
    private String referenceMailbox(String prefix) throws Exception {
        String user = dovecot.newUser(prefix);
        dovecot.writeMaildir(user, "INBOX", SampleMail.generate(300, prefix).stream().map(SampleMail.Sample::raw)
                .toList());
        dovecot.createMailbox(user, "Trash");
        return user;
    }

    private static DelayProxy.Connection once(DelayProxy proxy, Config config) throws Exception {
        return once(proxy, config, null);
    }

    private static DelayProxy.Connection once(DelayProxy proxy, Config config, RunSettings settings)
            throws Exception {
        List<RunResult> results = settings == null ? EngineReferenceContract.runOnce(config)
                : new OncePass(config, settings, Connections::open).run(OncePass.selectRules(config, List.of(), null));
        assertThat(results).singleElement().satisfies(r -> assertThat(r.error()).isEmpty());
        assertThat(proxy.connections()).hasSize(1);
        DelayProxy.Connection c = proxy.connections().get(0);
        assertThat(c.awaitClosed(10_000)).isTrue();
        return c;
    }
}
