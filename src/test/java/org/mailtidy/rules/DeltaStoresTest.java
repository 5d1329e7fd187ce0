package org.mailtidy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * How add_flags/remove_flags changes become STOREs: one per distinct set of flags a message gains
 * (or loses) when that takes no more commands than one per flag, else one per flag (issue 6).
 */
class DeltaStoresTest {

    private static final PlanContext CONTEXT = RandomScenarios.CONTEXT;
    private static final Flag NEWSLETTER = Flag.of("$Newsletter");
    private static final Flag A = Flag.of("$A");
    private static final Flag B = Flag.of("$B");
    private static final Flag JUNK = Flag.of("$Junk");

    private static TestMessage message(long uid, String subject, Flag... flags) {
        return new TestMessage(uid, Map.of("Subject", List.of(subject)), "body", RandomScenarios.NOW.toEpochMilli(),
                LocalDate.of(2026, 3, 1), 1000, Set.of(flags));
    }

    private static RuleSpec rule(String name, String subject, Set<Flag> add, Set<Flag> remove) {
        return new RuleSpec(name, new Criterion.Text(Criterion.TextField.SUBJECT, subject),
                new FlagChange.Delta(add, remove), Disposition.KEEP, Optional.empty(), false);
    }

    private static MailboxPlan plan(List<RuleSpec> rules, List<TestMessage> messages) {
        MemoryMailbox mailbox = new MemoryMailbox(messages, CONTEXT);
        return Planner.plan(rules, mailbox.snapshot(), mailbox.evidence(), CONTEXT);
    }

    private static List<String> operations(MailboxPlan plan) {
        return plan.operations().stream().map(ImapSimulator::describe).toList();
    }

    @Test
    void aRuleThatAddsTwoFlagsStoresEachMessageOnce() {
        List<TestMessage> messages = List.of(message(1, "news"), message(2, "news", Flag.SEEN), message(3, "news"),
                message(4, "other"));
        List<RuleSpec> rules = List.of(rule("newsletters-read", "news", Set.of(Flag.SEEN, NEWSLETTER), Set.of()));

        // Message 2 has \Seen already: it gains only $Newsletter, a set of its own.
        assertThat(operations(plan(rules, messages))).containsExactly(
                "Store ADD [$Newsletter] [2]",
                "Store ADD [$Newsletter, \\Seen] [1, 3]");
    }

    @Test
    void setsAreUsedWhenTheyTakeAsManyCommandsAsFlags() {
        // Two distinct sets ({$A}, {$A, $B}) over two flags: a tie, and sets store each message once.
        List<TestMessage> messages = List.of(message(1, "a"), message(2, "a b"), message(3, "a b"));
        List<RuleSpec> rules = List.of(rule("a", "a", Set.of(A), Set.of()), rule("b", "b", Set.of(B), Set.of()));

        assertThat(operations(plan(rules, messages))).containsExactly(
                "Store ADD [$A] [1]",
                "Store ADD [$A, $B] [2, 3]");
    }

    @Test
    void addsAndRemovesAreGroupedEachOnItsOwn() {
        // Adds: one set ({$A, \Seen}) for three messages; removes: {$B} and {$B, $Junk} over two flags.
        List<TestMessage> messages = List.of(message(1, "x", B), message(2, "x", B, JUNK), message(3, "x"));
        List<RuleSpec> rules = List.of(rule("x", "x", Set.of(A, Flag.SEEN), Set.of(B, JUNK)));

        assertThat(operations(plan(rules, messages))).containsExactly(
                "Store ADD [$A, \\Seen] [1, 2, 3]",
                "Store REMOVE [$B] [1]",
                "Store REMOVE [$B, $Junk] [2]");
    }

    @Test
    void perFlagWhenTheRulesOverlapInMoreCombinationsThanFlags() {
        Random random = new Random(7);
        List<TestMessage> messages = new ArrayList<>();
        for (long uid = 1; uid <= 2_000; uid++) {
            StringBuilder subject = new StringBuilder("m");
            for (int rule = 0; rule < 8; rule++) {
                if (random.nextBoolean()) {
                    subject.append(" k").append(rule).append(';');
                }
            }
            messages.add(message(uid, subject.toString()));
        }
        List<RuleSpec> rules = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            rules.add(rule("r" + i, "k" + i + ";", Set.of(Flag.of("$K" + i)), Set.of()));
        }

        MailboxPlan plan = plan(rules, messages);

        // About 2^8 combinations occur: one STORE per flag instead, each of exactly its rule's messages.
        assertThat(messages.stream().map(m -> m.header("Subject").get(0)).distinct().count()).isGreaterThan(200);
        assertThat(plan.operations()).hasSize(8).allSatisfy(op -> assertThat(op).isInstanceOf(Operation.Store.class));
        for (int i = 0; i < 8; i++) {
            Operation.Store store = (Operation.Store) plan.operations().get(i);
            String token = "k" + i + ";";
            assertThat(store.mode()).isEqualTo(Operation.StoreMode.ADD);
            assertThat(store.flags()).containsExactly(Flag.of("$K" + i));
            assertThat(store.uids()).containsExactly(messages.stream()
                    .filter(m -> m.header("Subject").get(0).contains(token)).mapToLong(TestMessage::uid).toArray());
        }
    }

    @Test
    void whenAllSetsAreTooManyTheFlagsARuleChangesTogetherStillGoTogether() {
        Flag purge = Flag.of("$Purge");
        List<TestMessage> messages = List.of(message(1, "news"), message(2, "news", Flag.SEEN),
                message(3, "news purge"), message(4, "news purge", Flag.SEEN), message(5, "purge"),
                message(6, "invoice"), message(7, "finance"));
        List<RuleSpec> rules = List.of(
                rule("newsletters-read", "news", Set.of(Flag.SEEN, NEWSLETTER), Set.of()),
                rule("purge", "purge", Set.of(purge), Set.of()),
                rule("invoices", "invoice", Set.of(Flag.of("$Invoice")), Set.of()),
                rule("finance", "finance", Set.of(Flag.of("$Finance")), Set.of()));

        // Seven distinct sets over five flags: too many. The block {$Newsletter, \Seen} has two
        // sets over its two flags, so within it each message is stored once; the others are single flags.
        assertThat(operations(plan(rules, messages))).containsExactly(
                "Store ADD [$Finance] [7]",
                "Store ADD [$Invoice] [6]",
                "Store ADD [$Newsletter] [2, 4]",
                "Store ADD [$Newsletter, \\Seen] [1, 3]",
                "Store ADD [$Purge] [3, 4, 5]");
    }

    /**
     * On random mailboxes and rules, each batch of delta STOREs (between two copies, and before the
     * moves) is, per direction, exactly what the choice described in {@link DeltaGroups} gives,
     * computed here from the batch's net changes and the rules.
     */
    @Test
    void everyBatchOfStoresMakesTheDocumentedChoice() {
        Map<String, Integer> choices = new TreeMap<>();
        for (long seed = 0; seed < 2_000; seed++) {
            RandomScenarios random = new RandomScenarios(3_000_000 + seed);
            List<TestMessage> messages = random.mailbox(60);
            List<RuleSpec> rules = random.rules(6);
            MailboxPlan plan = plan(rules, messages);
            Set<Long> deleted = PlannerReferenceTest.asSet(plan.deletedUids());
            List<Operation.Store> batch = new ArrayList<>();
            for (Operation op : plan.operations()) {
                // The final \Deleted marking is not a rule's change: it covers only deleted messages.
                if (op instanceof Operation.Store s && s.mode() != Operation.StoreMode.REPLACE
                        && !deleted.containsAll(PlannerReferenceTest.asSet(s.uids()))) {
                    batch.add(s);
                    continue;
                }
                for (Operation.StoreMode mode : List.of(Operation.StoreMode.ADD, Operation.StoreMode.REMOVE)) {
                    List<Operation.Store> stores = batch.stream().filter(s -> s.mode() == mode).toList();
                    String choice = expectChoice(stores, blocks(rules, mode), "seed " + seed);
                    choices.merge(choice, 1, Integer::sum);
                }
                batch.clear();
            }
        }
        assertThat(choices).as("each way of grouping occurs").containsKeys("all sets", "by blocks", "per flag");
        assertThat(choices.values()).allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(5));
    }

    /** The rules' add (or remove) sets, those sharing a flag merged: each flag to its block. */
    private static Map<Flag, Set<Flag>> blocks(List<RuleSpec> rules, Operation.StoreMode mode) {
        Map<Flag, Set<Flag>> blockOf = new HashMap<>();
        for (RuleSpec rule : rules) {
            if (rule.flagChange() instanceof FlagChange.Delta d) {
                Set<Flag> block = new TreeSet<>(mode == Operation.StoreMode.ADD ? d.add() : d.remove());
                new ArrayList<>(block).forEach(f -> block.addAll(blockOf.getOrDefault(f, Set.of())));
                block.forEach(f -> blockOf.put(f, block));
            }
        }
        return blockOf;
    }

    /** Checks the stores against the choice the net changes call for and names the choice. */
    private static String expectChoice(List<Operation.Store> stores, Map<Flag, Set<Flag>> blockOf, String context) {
        Map<Long, Set<Flag>> change = new TreeMap<>();
        for (Operation.Store s : stores) {
            for (long uid : s.uids()) {
                change.computeIfAbsent(uid, u -> new TreeSet<>()).addAll(s.flags());
            }
        }
        Set<String> allSets = groupsWithin(change, null);
        Set<String> expected = new TreeSet<>(allSets);
        String choice = "all sets";
        if (allSets.size() > flagsIn(change).size()) {
            expected.clear();
            choice = "per flag";
            Set<Set<Flag>> blocks = flagsIn(change).stream().map(f -> blockOf.getOrDefault(f, Set.of(f)))
                    .collect(Collectors.toSet());
            for (Set<Flag> block : blocks) {
                Set<String> within = groupsWithin(change, block);
                Set<Flag> flags = flagsIn(change).stream().filter(block::contains).collect(Collectors.toSet());
                if (within.size() <= flags.size()) {
                    expected.addAll(within);
                    choice = flags.size() > 1 ? "by blocks" : choice;
                } else {
                    flags.forEach(f -> expected.addAll(groupsWithin(change, Set.of(f))));
                }
            }
        }
        Set<String> actual = stores.stream().map(s -> new TreeSet<>(s.flags()) + " " + java.util.Arrays.toString(s.uids()))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(actual).as(context).isEqualTo(expected);
        assertThat(stores).as(context).hasSameSizeAs(expected);
        return stores.isEmpty() ? "none" : choice;
    }

    /** "[flags] [uids]" per distinct part of the messages' changes inside {@code block} (null: all). */
    private static Set<String> groupsWithin(Map<Long, Set<Flag>> change, Set<Flag> block) {
        Map<Set<Flag>, List<Long>> groups = new HashMap<>();
        change.forEach((uid, flags) -> {
            Set<Flag> part = new TreeSet<>(flags);
            if (block != null) {
                part.retainAll(block);
            }
            if (!part.isEmpty()) {
                groups.computeIfAbsent(part, p -> new ArrayList<>()).add(uid);
            }
        });
        return groups.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<Flag> flagsIn(Map<Long, Set<Flag>> change) {
        return change.values().stream().flatMap(Set::stream).collect(Collectors.toSet());
    }
}
