package org.mailtidy.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.mailtidy.config.Account;
import org.mailtidy.config.Config;
import org.mailtidy.config.RuleConfig;
import org.mailtidy.engine.Connections;
import org.mailtidy.engine.Explain;
import org.mailtidy.engine.MailboxPatterns;
import org.mailtidy.imap.ImapConnection;
import org.mailtidy.imap.ImapException;
import org.mailtidy.mail.MailboxRef;
import org.mailtidy.rules.Explainer;
import org.mailtidy.rules.RuleSpec;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "explain", description = "Show, read-only, what every rule does with one message and why."
        + " Exit 0 found, 1 not found or failed, 2 bad configuration or usage.")
final class ExplainCommand extends ConfiguredCommand {

    @Option(names = "--account", paramLabel = "ID", description = "the account (default: the only one)")
    String account;

    @Option(names = "--mailbox", paramLabel = "NAME", description = "the mailbox (default: INBOX)")
    String mailbox = "INBOX";

    @ArgGroup(exclusive = true, multiplicity = "1")
    Which which;

    static final class Which {
        @Option(names = "--uid", paramLabel = "N", description = "the message's UID")
        Long uid;

        @Option(names = "--message-id", paramLabel = "ID", description = "the message's Message-ID, <...> included")
        String messageId;
    }

    @Override
    int run(Config c, PrintWriter out) throws Exception {
        Account a = account(c);
        if (which.uid != null && (which.uid < 1 || which.uid > 0xFFFF_FFFFL)) {
            throw new ExitCodes.UsageError("--uid " + which.uid + ": a UID is between 1 and 4294967295");
        }
        // Every enabled rule of the account that names the mailbox, whatever its schedule, as check's tests do.
        List<RuleSpec> rules = c.rules().stream().filter(RuleConfig::enabled)
                .filter(r -> r.appliesTo(a.id()) && MailboxPatterns.matchesAny(r.mailboxes(), mailbox))
                .map(RuleConfig::spec).toList();
        Explain.Result result;
        try (ImapConnection connection = Connections.open(a)) {
            result = Explain.explain(connection, new MailboxRef(a.id(), mailbox), rules, a.trashMailbox(),
                    Instant.now(), c.defaults().timezone(), Optional.ofNullable(which.uid),
                    Optional.ofNullable(which.messageId));
        } catch (ImapException e) {
            spec.commandLine().getErr().println("mailtidy explain: " + e.getMessage());
            return ExitCodes.RUN_FAILED;
        }
        if (result.found().isEmpty()) {
            spec.commandLine().getErr().println("mailtidy explain: " + result.notFound());
            return ExitCodes.RUN_FAILED;
        }
        print(out, result.found().get(), rules.isEmpty());
        out.flush();
        return ExitCodes.OK;
    }

    private Account account(Config c) throws ExitCodes.UsageError {
        if (account != null) {
            Account a = c.accounts().get(account);
            if (a == null) {
                throw new ExitCodes.UsageError("--account " + account + ": no such account in " + c.file());
            }
            return a;
        }
        if (c.accounts().size() != 1) {
            throw new ExitCodes.UsageError("--account is needed: " + c.file() + " has " + c.accounts().size()
                    + " accounts (" + String.join(", ", c.accounts().keySet()) + ")");
        }
        return c.accounts().values().iterator().next();
    }

    static void print(PrintWriter out, Explain.Found f, boolean noRules) {
        Explainer.Explanation e = f.explanation();
        out.printf("Message UID %d in %s %s (UIDVALIDITY %d), examined read-only%n", f.uid().value(),
                f.where().account(), f.where().mailbox(), f.uidValidity());
        List<String[]> facts = new ArrayList<>();
        facts.add(new String[] {"Message-ID", f.messageId() == null ? "(none)" : f.messageId()});
        facts.add(new String[] {"INTERNALDATE", f.internalDate().toString()});
        facts.add(new String[] {"size", f.size() + " bytes"});
        facts.add(new String[] {"flags", f.flags().isEmpty() ? "(none)" : String.join(" ", f.flags())});
        if (!f.otherUids().isEmpty()) {
            facts.add(new String[] {"same Message-ID", "also UID " + f.otherUids()});
        }
        int w = facts.stream().mapToInt(r -> r[0].length()).max().orElse(0);
        facts.forEach(r -> out.printf("  %-" + w + "s  %s%n", r[0], r[1]).flush());
        out.println("  (each server criterion is shown with its own UID SEARCH, sent restricted to this UID)");
        out.println();
        if (noRules) {
            out.println("No enabled rule of " + f.where().account() + " applies to " + f.where().mailbox() + ".");
            return;
        }
        int nameWidth = 0;
        int criterionWidth = 0;
        for (Explainer.RuleExplanation r : e.rules()) {
            nameWidth = Math.max(nameWidth, r.rule().length());
            for (Explainer.CriterionLine l : r.criteria()) {
                criterionWidth = Math.max(criterionWidth, 2 * l.depth() + l.criterion().length());
            }
        }
        int number = 1;
        for (Explainer.RuleExplanation r : e.rules()) {
            String status = !r.notSeenBecause().isEmpty() ? r.notSeenBecause() : r.matched() ? "MATCHED" : "no match";
            out.println(String.format("%d. %-" + nameWidth + "s  %s", number++, r.rule(), status).stripTrailing());
            if (!r.notSeenBecause().isEmpty()) {
                continue;
            }
            for (Explainer.CriterionLine l : r.criteria()) {
                String criterion = "  ".repeat(l.depth()) + l.criterion();
                String row = String.format("     %-" + criterionWidth + "s  %-3s  %s%s", criterion,
                        l.value() ? "yes" : "no", l.source(), l.deciding() ? "   <- decides" : "");
                out.println(row.stripTrailing());
            }
            out.println("     flags    " + Explainer.flagText(r.flagsBefore()) + (r.flagsBefore().equals(r.flagsAfter())
                    ? " (unchanged)" : "  ->  " + Explainer.flagText(r.flagsAfter())));
            if (!r.actions().isEmpty()) {
                out.println("     actions  " + String.join("; ", r.actions()));
            }
            if (r.stop()) {
                out.println("     stop     " + (r.matched() ? "yes: later rules do not see it" : "yes (did not match)"));
            }
        }
        out.println();
        out.println("Result: " + outcome(f));
        if (f.plannedCommands().isEmpty()) {
            out.println("A run would send nothing for it.");
        } else {
            out.println("A run would send:");
            f.plannedCommands().forEach(cmd -> out.println("  " + cmd));
        }
    }

    private static String outcome(Explain.Found f) {
        Explainer.Explanation e = f.explanation();
        var plan = e.plan();
        Explainer.RuleExplanation last = e.rules().get(e.rules().size() - 1);
        String flags = Explainer.flagText(last.flagsAfter());
        List<String> copies = e.rules().stream().flatMap(r -> r.actions().stream())
                .filter(a -> a.startsWith("copy_to ")).map(a -> a.substring("copy_to ".length())).toList();
        String copied = copies.isEmpty() ? "" : ", copied to " + String.join(", ", copies);
        if (!plan.deletedUids().isEmpty()) {
            return "deleted" + copied;
        }
        String leaving = e.rules().stream().flatMap(r -> r.actions().stream())
                .filter(a -> a.startsWith("move_to ") || a.startsWith("trash ")).findFirst().orElse("");
        if (leaving.startsWith("trash ")) {
            return "trashed to " + leaving.substring("trash ".length()) + " with flags " + flags + copied;
        }
        if (leaving.startsWith("move_to ")) {
            return "moved to " + leaving.substring("move_to ".length()) + " with flags " + flags + copied;
        }
        return "kept with flags " + flags + copied;
    }
}
