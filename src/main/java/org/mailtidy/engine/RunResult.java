package org.mailtidy.engine;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.mailtidy.rules.RuleStats;

/**
 * The outcome of one mailbox run.
 *
 * @param messages     messages in the mailbox when the run started
 * @param commands     IMAP commands the run sent, by verb
 * @param planned      the planned operations, one line each (what a dry run would send)
 * @param notes        things the user should know that are not failures (e.g. no UIDPLUS: nothing expunged)
 * @param error        why the run failed, when it did
 * @param runId        the run id its audit lines carry ({@code mailtidy undo --run}); empty if it never got one
 */
public record RunResult(String account, String mailbox, Status status, int messages, List<RuleStats> ruleStats,
                        Duration duration, java.util.Map<String, Long> commands, List<String> planned,
                        List<String> notes, Optional<String> error, String runId) {

    public RunResult(String account, String mailbox, Status status, int messages, List<RuleStats> ruleStats,
                     Duration duration, java.util.Map<String, Long> commands, List<String> planned,
                     List<String> notes, Optional<String> error) {
        this(account, mailbox, status, messages, ruleStats, duration, commands, planned, notes, error, "");
    }

    public enum Status {
        /** Every planned change was sent (or, in a dry run, reported). */
        OK,
        /** Nothing or only part was sent; {@code error} says why. */
        FAILED
    }

    public RunResult {
        ruleStats = List.copyOf(ruleStats);
        commands = java.util.Map.copyOf(commands);
        planned = List.copyOf(planned);
        notes = List.copyOf(notes);
    }

    public boolean ok() {
        return status == Status.OK;
    }

    static RunResult failed(String account, String mailbox, Duration duration, String error) {
        return new RunResult(account, mailbox, Status.FAILED, 0, List.of(), duration, java.util.Map.of(), List.of(),
                List.of(), Optional.of(error));
    }
}
