package org.mailtidy.engine;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.mailtidy.imap.ImapConnection;
import org.mailtidy.imap.MessageTable;
import org.mailtidy.imap.SelectedMailbox;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.mailtidy.mail.SearchArg;

/**
 * The reference scenario at a size of choice on each named server, measured: result right or
 * wrong, IMAP commands, wall time of the {@code once} pass. Runs only with
 * {@code -Dreference.bench=20000} (bench/reference.sh; {@code -Dreference.servers=courier,dovecot});
 * appends one line per server to {@code target/reference-bench.txt}.
 */
class EngineReferenceBench {
    @Test
    void measure() throws Exception {
        String count = System.getProperty("reference.bench");
        assumeTrue(count != null, "reference bench only with -Dreference.bench=20000 (bench/reference.sh)");
        int n = Integer.parseInt(count);
        for (String server : System.getProperty("reference.servers", "courier,dovecot").split(",")) {
            EngineReferenceContract contract = switch (server.trim()) {
                case "courier" -> new EngineReferenceCourierIT();
                case "dovecot" -> new EngineReferenceDovecotIT();
                default -> throw new IllegalArgumentException("unknown server " + server);
            };
            EngineReferenceContract.Measured m = contract.runReferenceScenario(n);
            boolean right = m.results().stream().allMatch(RunResult::ok) && m.actual().equals(m.expected().state())
                    && m.results().stream().allMatch(r -> r.ruleStats().equals(m.expected().stats()));
            Map<String, Long> byVerb = new TreeMap<>();
            m.results().forEach(r -> r.commands().forEach((k, v) -> byVerb.merge(k, v, Long::sum)));
            String line = String.format("%s %d messages: %s, %d IMAP commands %s, %.1f s%n", server, n,
                    right ? "right" : "WRONG", m.commands(), byVerb, m.wallTime().toMillis() / 1000.0);
            line += dateHeaderCost(contract, m.user());
            System.out.print(line);
            Files.writeString(Path.of("target", "reference-bench.txt"), line, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
    }

    /**
     * What evaluating sent_* locally would cost on this mailbox: the fetch of every Date: header,
     * next to the table fetch every run makes and one SENTBEFORE search (issue 14, item 6).
     */
    private static String dateHeaderCost(EngineReferenceContract contract, String user) throws Exception {
        try (ImapConnection c = ImapConnection.connect(contract.server().settings(user));
             SelectedMailbox box = c.select("INBOX", true)) {
            long t0 = System.nanoTime();
            MessageTable table = box.fetchTable();
            long t1 = System.nanoTime();
            box.fetchHeaderFields(table.uids(), List.of("Date"));
            long t2 = System.nanoTime();
            box.uidSearch(List.of(new SearchArg.Atom("SENTBEFORE"), new SearchArg.Atom("1-Jan-2025")), false);
            long t3 = System.nanoTime();
            return String.format("  %d messages left in INBOX: table fetch %.2f s, every Date: header %.2f s,"
                    + " one SENTBEFORE search %.2f s%n", table.uids().length, (t1 - t0) / 1e9, (t2 - t1) / 1e9,
                    (t3 - t2) / 1e9);
        }
    }
}
