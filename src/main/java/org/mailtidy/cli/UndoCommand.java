package org.mailtidy.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import org.mailtidy.config.Config;
import org.mailtidy.engine.AuditLog;
import org.mailtidy.engine.AuditReader;
import org.mailtidy.engine.Connections;
import org.mailtidy.engine.Undo;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "undo", description = "Take back what the audit file records for a run (or since a time), newest"
        + " first. Exit 0 all undone, 1 some could not be, 2 bad configuration or usage.")
final class UndoCommand extends ConfiguredCommand {

    @Mixin
    StateDirOption state;

    @Option(names = "--audit", paramLabel = "FILE", required = true, description = "the audit file (audit.file)")
    Path audit;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Which which;

    static final class Which {
        @Option(names = "--run", paramLabel = "ID", description = "the run to take back (as once prints it)")
        String run;

        @Option(names = "--since", paramLabel = "TIME", description = "every run from this time on: 2026-12-07,"
                + " 2026-12-07T16:30 (in defaults.timezone) or 2026-12-07T15:30:00Z")
        String since;
    }

    @Option(names = "--dry-run", description = "print what would be undone; change nothing")
    boolean dryRun;

    @Override
    int run(Config c, PrintWriter out) throws Exception {
        List<AuditLog.Line> all;
        try {
            all = AuditReader.read(audit);
        } catch (IOException e) {
            throw new ExitCodes.UsageError("--audit " + audit + ": cannot read: " + e.getMessage());
        } catch (AuditReader.Refused e) {
            throw new ExitCodes.UsageError("--audit: " + e.getMessage() + "; nothing was undone");
        }
        Optional<Instant> since = which.since == null ? Optional.empty()
                : Optional.of(parseTime(which.since, c.defaults().timezone()));
        List<AuditLog.Line> chosen = Undo.select(all, Optional.ofNullable(which.run), since);
        if (chosen.isEmpty()) {
            throw new ExitCodes.UsageError(which.run != null ? "--run " + which.run + ": no line of " + audit
                    + " has this run id" : "--since " + which.since + ": no line of " + audit + " is that recent");
        }
        Undo.Report report = new Undo(id -> Optional.ofNullable(c.accounts().get(id)), Connections::open, dryRun,
                state.resolve()).run(chosen);
        if (dryRun) {
            out.println("Dry run: nothing was changed. What undo would do:");
        }
        print(out, report);
        out.flush();
        return report.notUndone() == 0 ? ExitCodes.OK : ExitCodes.RUN_FAILED;
    }

    private void print(PrintWriter out, Undo.Report report) {
        String undone = dryRun ? "would undo" : "undone";
        int width = Math.max(undone.length(), "NOT undone".length());
        for (Undo.Entry e : report.entries()) {
            String status = e.undone() ? undone : "NOT undone";
            out.printf("%-" + width + "s  %s %s UID %d%s: %s%n", status, e.account(), e.mailbox(), e.uid(),
                    e.messageId() == null ? "" : " " + e.messageId(), e.what());
        }
        out.printf("%d change%s %s, %d could not be undone%n", report.undone(), report.undone() == 1 ? "" : "s",
                dryRun ? "would be undone" : "undone", report.notUndone());
    }

    /** An instant, a local date-time or a date (its start) in the configured zone. */
    static Instant parseTime(String text, ZoneId zone) throws ExitCodes.UsageError {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException notOffset) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException notInstant) {
                try {
                    return LocalDateTime.parse(text).atZone(zone).toInstant();
                } catch (DateTimeParseException notLocal) {
                    try {
                        return LocalDate.parse(text).atStartOfDay(zone).toInstant();
                    } catch (DateTimeParseException e) {
                        throw new ExitCodes.UsageError("--since " + text + ": expected a date (2026-12-07), a local"
                                + " time (2026-12-07T16:30) or a UTC time (2026-12-07T15:30:00Z)");
                    }
                }
            }
        }
    }
}
