package org.mailtidy.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.mailtidy.engine.RunResult;
import org.mailtidy.rules.RuleStats;

/**
 * The table {@code once} prints: one row per rule and mailbox (a failed run's change counts shown as
 * {@code -}, and a run that failed before its rules ran as one {@code (failed)} row), then one line
 * per mailbox run, a failed one with its reason on that one line.
 */
final class SummaryTable {
    private static final String[] HEADER = {"account", "mailbox", "rule", "matched", "flags", "copied", "moved",
        "deleted"};

    private static final int MAX_REASON = 400;

    private final boolean dryRun;

    SummaryTable(boolean dryRun) {
        this.dryRun = dryRun;
    }

    void print(PrintWriter out, List<RunResult> results) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (RunResult r : results) {
            for (RuleStats s : r.ruleStats()) {
                // A failed run's changes may not all have reached the server: no count is claimed for them.
                rows.add(r.ok() ? new String[] {r.account(), r.mailbox(), s.rule(), str(s.matched()),
                    str(s.flagsChanged()), str(s.copied()), str(s.moved()), str(s.deleted())}
                    : new String[] {r.account(), r.mailbox(), s.rule(), str(s.matched()), "-", "-", "-", "-"});
            }
            if (!r.ok() && r.ruleStats().isEmpty()) {
                rows.add(new String[] {r.account(), r.mailbox(), "(failed)", "-", "-", "-", "-", "-"});
            }
        }
        if (dryRun) {
            out.println("Dry run: nothing was changed. What the rules would do:");
        }
        printAligned(out, rows);
        out.println();
        for (RunResult r : results) {
            long commands = r.commands().values().stream().mapToLong(Long::longValue).sum();
            if (r.ok()) {
                out.printf("%s %s: ok, %d messages, %d IMAP commands, %d ms%n", r.account(), r.mailbox(), r.messages(),
                        commands, r.duration().toMillis());
            } else {
                out.printf("%s %s: FAILED: %s%n", r.account(), r.mailbox(), oneLine(r.error().orElse("unknown error")));
            }
            if (dryRun) {
                r.planned().forEach(p -> out.println("  would send " + p));
            }
            r.notes().forEach(n -> out.println("  note: " + n));
        }
    }

    /**
     * The reason on one line of printable text: it may quote a server, which can send line breaks,
     * terminal escapes or a megabyte of text.
     */
    static String oneLine(String text) {
        String flat = text.replaceAll("[\\r\\n\\t]+", " ").replaceAll("[\\p{Cntrl}&&[^ ]]", "?");
        return flat.length() <= MAX_REASON ? flat : flat.substring(0, MAX_REASON) + "...";
    }

    private static void printAligned(PrintWriter out, List<String[]> rows) {
        int[] width = new int[HEADER.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                boolean numeric = i >= 3;
                String cell = numeric ? " ".repeat(width[i] - row[i].length()) + row[i]
                        : row[i] + " ".repeat(width[i] - row[i].length());
                sb.append(cell).append(i + 1 < row.length ? "  " : "");
            }
            out.println(sb.toString().stripTrailing());
        }
    }

    private static String str(int n) {
        return Integer.toString(n);
    }
}
