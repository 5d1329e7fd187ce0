package org.mailtidy.rules;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The one way a plan is written for people: the dry run's report, {@code explain}, the plan's own
 * {@code toString} and the tests all use it, so what they show is what a run sends.
 */
public final class PlanText {
    private PlanText() {
    }

    /** The command as a run sends it, with its whole UID set: {@code UID STORE 1:3,7 +FLAGS.SILENT (\Seen)}. */
    public static String command(Operation op) {
        Parts p = parts(op);
        return p.verb + " " + op.uids() + (p.argument.isEmpty() ? "" : " " + p.argument);
    }

    /** The command with its message count instead of its UID set: {@code UID MOVE to Lists of 1 message}. */
    public static String summary(Operation op) {
        Parts p = parts(op);
        int n = op.uids().size();
        return p.verb + (p.argument.isEmpty() ? "" : p.destination ? " to " + p.argument : " " + p.argument)
                + " of " + n + (n == 1 ? " message" : " messages");
    }

    /** {@link #command} of each operation, in order; empty for no plan. */
    public static List<String> commands(MailboxPlan plan) {
        return plan == null ? List.of() : plan.operations().stream().map(PlanText::command).toList();
    }

    /** {@link #summary} of each operation, in order (the dry run's report); empty for no plan. */
    public static List<String> summaries(MailboxPlan plan) {
        return plan == null ? List.of() : plan.operations().stream().map(PlanText::summary).toList();
    }

    /** The command's name, what follows its UID set, and whether that is a mailbox it goes to. */
    private record Parts(String verb, String argument, boolean destination) {
    }

    private static Parts parts(Operation op) {
        return op.accept(new Operation.Visitor<>() {
            @Override
            public Parts store(Operation.Store s) {
                return new Parts("UID STORE", s.mode().item() + " "
                        + s.flags().stream().map(Flag::name).collect(Collectors.joining(" ", "(", ")")), false);
            }

            @Override
            public Parts copy(Operation.Copy c) {
                return new Parts("UID COPY", c.mailbox(), true);
            }

            @Override
            public Parts move(Operation.Move m) {
                return new Parts("UID MOVE", m.mailbox(), true);
            }

            @Override
            public Parts expunge(Operation.Expunge e) {
                return new Parts("UID EXPUNGE", "", false);
            }
        });
    }
}
