package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.mailtidy.testsupport.Await;
import java.util.stream.Collectors;
import org.mailtidy.config.Config;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.MailServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The reference scenario ({@link EngineReferenceContract}) on the private Dovecot, and: the number
 * of IMAP commands does not depend on the number of messages (read from Dovecot's rawlog).
 */
@Tag("dovecot")
class EngineReferenceDovecotIT extends EngineReferenceContract {
    private final Dovecot dovecot = Dovecot.get();

    @Override
    MailServer server() {
        return dovecot;
    }

    @Test
    void theNumberOfCommandsIsTheSameForAHundredAndTenThousandMessages() throws Exception {
        List<String> small = commandsOfARun(100);
        List<String> large = commandsOfARun(10_000);
        // The same commands in the same order; only the UID sets differ (and, past 8,000 octets or by
        // CONDSTORE mod-sequence, are split into consecutive pieces). The stores are each message's net
        // change (engine/NetStores), one per combination of the plan's stores that some message is in:
        // which combinations occur depends on the messages, how many there can be only on the rules.
        assertThat(withoutStores(logical(large))).isEqualTo(withoutStores(logical(small)));
        assertThat(logical(large)).filteredOn(c -> c.startsWith("UID STORE"))
                .hasSizeBetween(1, NetStores.MAX_MERGED_COMMANDS);
        assertThat(logical(small)).filteredOn(c -> c.startsWith("UID FETCH")).hasSizeLessThanOrEqualTo(3);
        assertThat(logical(small)).filteredOn(c -> c.startsWith("UID EXPUNGE")).hasSize(1);
        assertThat(large).allSatisfy(line -> assertThat(line.length()).isLessThan(8_000));
    }

    private List<String> commandsOfARun(int n) throws Exception {
        String user = dovecot.newUser("shape" + n);
        dovecot.writeMaildir(user, "INBOX", SampleMail.generate(n, user).stream().map(SampleMail.Sample::raw).toList());
        dovecot.createMailbox(user, "Trash");
        // The date-bound rules are left out: with 100 messages some dates have no message.
        String rules = RULES.lines().takeWhile(l -> !l.contains("name: dated")).collect(Collectors.joining("\n"));
        List<RunResult> results = runOnce(config(user, rules));
        assertThat(results).allSatisfy(r -> assertThat(r.error()).isEmpty());
        // UNSELECT and LOGOUT are written without waiting for their answers (docs/adr/0014): Dovecot logs
        // them a moment after the run has returned, or, on the loopback, may never read them: an answer
        // of the server's that reaches the closed socket first is answered with a reset, which drops
        // the input the server had not read yet. So the run is read up to its last command that was
        // waited for (the expunge rides in the store flight, the moves come after it).
        return Await.awaitValue("the moves in the rawlog of " + user, Duration.ofSeconds(10), () -> {
            List<String> wire = dovecot.rawCommands(user);
            return wire.stream().anyMatch(l -> l.matches("\\S+ UID MOVE .*")) ? Optional.of(wire.stream()
                    .filter(l -> !l.matches("\\S+ (UNSELECT|LOGOUT)")).toList()) : Optional.empty();
        });
    }

    /**
     * Commands without tags and UID sets, consecutive pieces of one split command counted once;
     * NOOP left out (Angus's own liveness check, sent by time, not by work).
     */
    private static List<String> logical(List<String> wire) {
        List<String> out = new ArrayList<>();
        for (String line : wire) {
            String[] words = line.split(" ", 2);
            if (words.length < 2 || !words[0].matches("[A-Za-z]+[0-9]+")) {
                continue; // the rest of a literal
            }
            // CONDSTORE guards (RFC 7162) split a STORE by the mod-sequence each message had, which
            // depends on earlier STOREs of the run, not on the number of messages.
            String command = words[1].replaceAll("(?<=^UID [A-Z]{4,7} )[0-9:,*]+", "<set>")
                    .replaceAll("\\(UNCHANGEDSINCE [0-9]+\\)", "(UNCHANGEDSINCE m)");
            if (command.equalsIgnoreCase("NOOP") || (!out.isEmpty() && out.get(out.size() - 1).equals(command)
                    && command.contains("<set>"))) {
                continue;
            }
            out.add(command);
        }
        return storesAsSets(out);
    }

    /**
     * A run of consecutive STOREs as its distinct commands, sorted: the stores of a batch are
     * pipelined in flights, a message's later store in a later flight, so which pieces of which
     * stores share a flight depends on the messages, not the order of the rules' changes.
     */
    private static List<String> storesAsSets(List<String> commands) {
        List<String> out = new ArrayList<>();
        java.util.TreeSet<String> stores = new java.util.TreeSet<>();
        for (String c : commands) {
            if (c.startsWith("UID STORE ")) {
                stores.add(c);
                continue;
            }
            out.addAll(stores);
            stores.clear();
            out.add(c);
        }
        out.addAll(stores);
        return out;
    }

    /** Each run of consecutive stores as one {@code UID STORE}. */
    private static List<String> withoutStores(List<String> logical) {
        List<String> out = new ArrayList<>();
        for (String c : logical) {
            String command = c.startsWith("UID STORE ") ? "UID STORE" : c;
            if (!(command.equals("UID STORE") && !out.isEmpty() && out.get(out.size() - 1).equals(command))) {
                out.add(command);
            }
        }
        return out;
    }

    private Config config(String user, String rules) throws Exception {
        return EndToEnd.dovecotConfig(dovecot, user, true, rules);
    }
}
