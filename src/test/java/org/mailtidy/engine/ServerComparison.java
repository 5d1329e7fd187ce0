package org.mailtidy.engine;

import java.util.List;
import org.mailtidy.testsupport.Cyrus;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.MailServer;

/**
 * Not a test: the per-server numbers of docs/servers.md. Runs the reference rule file once over
 * N sample messages (default 20,000) on each named server (dovecot, cyrus) and prints whether the
 * final state is the reference's, the IMAP commands sent and the wall time of the run. Run with the
 * test class path, e.g. {@code java -cp target/test-classes:target/classes:$(cat cp.txt)
 * org.mailtidy.engine.ServerComparison 20000 cyrus dovecot}.
 */
public final class ServerComparison {
    private ServerComparison() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        List<String> names = args.length > 1 ? List.of(args).subList(1, args.length) : List.of("cyrus", "dovecot");
        for (String name : names) {
            MailServer server = switch (name) {
                case "cyrus" -> Cyrus.get();
                case "dovecot" -> Dovecot.get();
                default -> throw new IllegalArgumentException("no server " + name);
            };
            EngineReferenceContract contract = new EngineReferenceContract() {
                @Override
                MailServer server() {
                    return server;
                }
            };
            EngineReferenceContract.Measured run = contract.runReferenceScenario(n);
            RunResult r = run.results().get(0);
            boolean right = run.results().size() == 1 && r.ok() && run.actual().equals(run.expected().state())
                    && r.ruleStats().equals(run.expected().stats());
            System.out.printf("%s: %d messages, final state and counts %s, %d IMAP commands %s, %d ms wall"
                    + " (run %d ms)%s%n", name, n, right ? "right" : "WRONG", run.commands(), r.commands(),
                    run.wallTime().toMillis(), r.duration().toMillis(), r.notes().isEmpty() ? "" : ", notes: " + r.notes());
        }
        System.exit(0);
    }
}
