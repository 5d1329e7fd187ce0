package org.mailtidy.engine;

import java.util.ArrayList;
import java.util.List;
import org.mailtidy.rules.Flag;
import org.mailtidy.rules.MailboxPlan;

/** A plan as the commands it sends, for the dry run's report. */
final class PlannedCommands {
    private PlannedCommands() {
    }

    /** One line per planned operation, with its message count rather than its UID set. */
    static List<String> describe(MailboxPlan plan) {
        if (plan == null) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        for (var op : plan.operations()) {
            int n = op.uids().length;
            String what;
            if (op instanceof org.mailtidy.rules.Operation.Store s) {
                String verb = switch (s.mode()) {
                    case ADD -> "+FLAGS.SILENT";
                    case REMOVE -> "-FLAGS.SILENT";
                    case REPLACE -> "FLAGS.SILENT";
                };
                what = "UID STORE " + verb + " " + s.flags().stream().map(Flag::name)
                        .collect(java.util.stream.Collectors.joining(" ", "(", ")"));
            } else if (op instanceof org.mailtidy.rules.Operation.Copy c) {
                what = "UID COPY to " + c.mailbox();
            } else if (op instanceof org.mailtidy.rules.Operation.Move m) {
                what = "UID MOVE to " + m.mailbox();
            } else {
                what = "UID EXPUNGE";
            }
            lines.add(what + " of " + n + (n == 1 ? " message" : " messages"));
        }
        return lines;
    }
}
