package org.mailtidy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.mailtidy.rules.Criterion.FlagIs;

/** The number of commands of a run depends on the rules and flags, never on the number of messages. */
class OperationCountTest {

    private static final Flag UNREAD = Flag.of("$Unread");
    private static final Flag JUNK = Flag.of("$Junk");

    private static final List<RuleSpec> RULES = List.of(
            new RuleSpec("invoices", new Criterion.Or(List.of(
                    new Criterion.Text(Criterion.TextField.SUBJECT, "invoice"),
                    new Criterion.HeaderRegex("From", Pattern.compile("(?i)billing")))),
                    new FlagChange.Replace(Set.of(Flag.SEEN, Flag.of("Invoice"))), Disposition.KEEP,
                    Optional.of("Invoices"), false),
            new RuleSpec("unread", new FlagIs(Flag.SEEN, false), new FlagChange.Delta(Set.of(UNREAD), Set.of()),
                    Disposition.KEEP, Optional.empty(), false),
            new RuleSpec("old", new Criterion.Age(Duration.ofDays(30), true),
                    new FlagChange.Delta(Set.of(Flag.SEEN), Set.of(JUNK)), Disposition.KEEP, Optional.empty(), false),
            new RuleSpec("news", new Criterion.And(List.of(new Criterion.Text(Criterion.TextField.FROM, "news"),
                    new FlagIs(Flag.SEEN, true))), FlagChange.NONE, new Disposition.MoveTo("Archive"), Optional.empty(), false),
            new RuleSpec("spam", new Criterion.Header("X-Spam", "yes"), FlagChange.NONE, Disposition.DELETE,
                    Optional.empty(), false),
            new RuleSpec("big", new Criterion.Size(5000, true), new FlagChange.Delta(Set.of(Flag.FLAGGED), Set.of()),
                    Disposition.KEEP, Optional.of("Big"), false));

    /**
     * Copy stage "invoices": one REPLACE (a single target set) and the COPY. Copy stage "big": one
     * REPLACE target per path of the replaced messages through "old" and "big" (at most 2), at most
     * one ADD and one REMOVE for each of the 4 flags that deltas name, and the COPY. Final flags:
     * as many again; one MOVE; one STORE of \Deleted and one EXPUNGE.
     */
    private static final int BOUND = (1 + 1) + (2 + 2 * 4 + 1) + (2 + 2 * 4) + 1 + 2;

    @Test
    void commandsDoNotGrowWithTheMailbox() {
        List<Integer> counts = new ArrayList<>();
        for (int n : new int[]{100, 1_000, 10_000, 50_000}) {
            counts.add(operationCount(n));
        }
        assertThat(counts).allSatisfy(c -> assertThat(c).isLessThanOrEqualTo(BOUND));
        assertThat(counts.get(3)).isEqualTo(counts.get(2));
    }

    private static int operationCount(int messages) {
        RandomScenarios random = new RandomScenarios(42);
        List<MemoryMessage> mailbox = new ArrayList<>(messages);
        for (int uid = 1; uid <= messages; uid++) {
            mailbox.add(random.message(uid));
        }
        MemoryMailbox memory = new MemoryMailbox(mailbox, RandomScenarios.CONTEXT);
        return Planner.plan(RULES, memory.snapshot(), memory.evidence(), RandomScenarios.CONTEXT).operations().size();
    }
}
