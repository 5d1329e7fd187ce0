package org.mailtidy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.mailtidy.mail.StoreMode;
import org.mailtidy.mail.UidSet;

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

    private static MemoryMessage message(long uid, String subject, Flag... flags) {
        return new MemoryMessage(uid, Map.of("Subject", List.of(subject)), "body", RandomScenarios.NOW.toEpochMilli(),
                LocalDate.of(2026, 3, 1), 1000, Set.of(flags));
    }

    private static RuleSpec rule(String name, String subject, Set<Flag> add, Set<Flag> remove) {
        return new RuleSpec(name, new Criterion.Text(Criterion.TextField.SUBJECT, subject),
                new FlagChange.Delta(add, remove), Disposition.KEEP, Optional.empty(), false);
    }

    private static MailboxPlan plan(List<RuleSpec> rules, List<MemoryMessage> messages) {
        MemoryMailbox mailbox = new MemoryMailbox(messages, CONTEXT);
        return Planner.plan(rules, mailbox.snapshot(), mailbox.evidence(), CONTEXT);
    }

    private static List<String> operations(MailboxPlan plan) {
        return plan.operations().stream().map(PlanText::command).toList();
    }

    @Test
    void aRuleThatAddsTwoFlagsSendsOneStoreWhetherOrNotAMessageHadOneOfThem() {
        List<MemoryMessage> messages = List.of(message(1, "news"), message(2, "news", Flag.SEEN), message(3, "news"),
                message(4, "other"));
        List<RuleSpec> rules = List.of(rule("newsletters-read", "news", Set.of(Flag.SEEN, NEWSLETTER), Set.of()));

        // Message 2 has \Seen already and needs only $Newsletter; +FLAGS of \Seen leaves it as it is.
        assertThat(operations(plan(rules, messages))).containsExactly(
                "UID STORE 1:3 +FLAGS.SILENT ($Newsletter \\Seen)");
    }

    @Test
    void aRuleThatRemovesTwoFlagsSendsOneStoreWhetherOrNotAMessageHadBoth() {
        List<MemoryMessage> messages = List.of(message(1, "x", A, B), message(2, "x", B), message(3, "x", A),
                message(4, "x"));
        List<RuleSpec> rules = List.of(rule("x", "x", Set.of(), Set.of(A, B)));

        assertThat(operations(plan(rules, messages))).containsExactly("UID STORE 1:3 -FLAGS.SILENT ($A $B)");
    }

    @Test
    void aFlagTheTargetLacksIsNeverAddedToShareAStore() {
        // Message 2 is \Seen but its target is not (a later rule removes it): it stays apart.
        List<MemoryMessage> messages = List.of(message(1, "news"), message(2, "news unseen", Flag.SEEN),
                message(3, "news"));
        List<RuleSpec> rules = List.of(rule("newsletters-read", "news", Set.of(Flag.SEEN, NEWSLETTER), Set.of()),
                rule("unseen", "unseen", Set.of(), Set.of(Flag.SEEN)));

        assertThat(operations(plan(rules, messages))).containsExactly(
                "UID STORE 2 +FLAGS.SILENT ($Newsletter)",
                "UID STORE 1,3 +FLAGS.SILENT ($Newsletter \\Seen)",
                "UID STORE 2 -FLAGS.SILENT (\\Seen)");
    }

    @Test
    void setsAreUsedWhenTheyTakeAsManyCommandsAsFlags() {
        // Two distinct sets ({$A}, {$A, $B}) over two flags: a tie, and sets store each message once.
        List<MemoryMessage> messages = List.of(message(1, "a"), message(2, "a b"), message(3, "a b"));
        List<RuleSpec> rules = List.of(rule("a", "a", Set.of(A), Set.of()), rule("b", "b", Set.of(B), Set.of()));

        assertThat(operations(plan(rules, messages))).containsExactly(
                "UID STORE 1 +FLAGS.SILENT ($A)",
                "UID STORE 2:3 +FLAGS.SILENT ($A $B)");
    }

    @Test
    void addsAndRemovesAreGroupedEachOnItsOwn() {
        // Adds: one set ({$A, \Seen}) for three messages; removes: {$B} and {$B, $Junk} over two flags.
        List<MemoryMessage> messages = List.of(message(1, "x", B), message(2, "x", B, JUNK), message(3, "x"));
        List<RuleSpec> rules = List.of(rule("x", "x", Set.of(A, Flag.SEEN), Set.of(B, JUNK)));

        assertThat(operations(plan(rules, messages))).containsExactly(
                "UID STORE 1:3 +FLAGS.SILENT ($A \\Seen)",
                "UID STORE 1:2 -FLAGS.SILENT ($B $Junk)");
    }

    @Test
    void perFlagWhenTheRulesOverlapInMoreCombinationsThanFlags() {
        Random random = new Random(7);
        List<MemoryMessage> messages = new ArrayList<>();
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
            assertThat(store.mode()).isEqualTo(StoreMode.ADD);
            assertThat(store.flags()).containsExactly(Flag.of("$K" + i));
            assertThat(store.uids()).isEqualTo(UidSet.of(messages.stream()
                    .filter(m -> m.header("Subject").get(0).contains(token)).mapToLong(MemoryMessage::uid)));
        }
    }

    @Test
    void whenAllSetsAreTooManyTheFlagsARuleChangesTogetherStillGoTogether() {
        Flag purge = Flag.of("$Purge");
        List<MemoryMessage> messages = List.of(message(1, "news"), message(2, "news", Flag.SEEN),
                message(3, "news purge"), message(4, "news purge", Flag.SEEN), message(5, "purge"),
                message(6, "invoice"), message(7, "finance"));
        List<RuleSpec> rules = List.of(
                rule("newsletters-read", "news", Set.of(Flag.SEEN, NEWSLETTER), Set.of()),
                rule("purge", "purge", Set.of(purge), Set.of()),
                rule("invoices", "invoice", Set.of(Flag.of("$Invoice")), Set.of()),
                rule("finance", "finance", Set.of(Flag.of("$Finance")), Set.of()));

        // Seven distinct sets over five flags: too many. Within the block {$Newsletter, \\Seen} every
        // newsletter goes to both flags, so one STORE, whatever \\Seen it had; the others are single flags.
        assertThat(operations(plan(rules, messages))).containsExactly(
                "UID STORE 7 +FLAGS.SILENT ($Finance)",
                "UID STORE 6 +FLAGS.SILENT ($Invoice)",
                "UID STORE 1:4 +FLAGS.SILENT ($Newsletter \\Seen)",
                "UID STORE 3:5 +FLAGS.SILENT ($Purge)");
    }

    /**
     * On random mailboxes and rules, each batch of delta STOREs (between two copies, and before the
     * moves), per direction, has the properties {@link DeltaGroups} promises, whatever grouping it
     * chose: a STORE never gives a message a flag its target lacks (nor takes one its target has);
     * every message gets its whole change; there are no more STOREs than distinct exact changes, nor
     * than flags changed; and the stores, applied in order, leave every mailbox as applying the rules
     * one by one would. Which grouping was chosen is read off the stores only, to show each occurs.
     */
    @Test
    void everyBatchOfStoresIsExactEnoughCompleteAndNeverMoreThanSetsOrFlags() {
        Map<String, Integer> shapes = new TreeMap<>();
        for (long seed = 0; seed < 2_000; seed++) {
            RandomScenarios random = new RandomScenarios(3_000_000 + seed);
            List<MemoryMessage> messages = random.mailbox(60);
            List<RuleSpec> rules = random.rules(6);
            MailboxPlan plan = plan(rules, messages);
            NaiveReference.Result reference = NaiveReference.run(rules, messages, CONTEXT);
            ImapSimulator server = new ImapSimulator(messages, reference.deleted());
            Set<Long> deleted = PlannerReferenceTest.asSet(plan.deletedUids());
            List<Operation.Store> batch = new ArrayList<>();
            Map<Long, Set<Flag>> before = server.state().source();
            for (Operation op : plan.operations()) {
                // The final \Deleted marking is not a rule's change: it covers only deleted messages.
                if (op instanceof Operation.Store s && s.mode() != StoreMode.REPLACE
                        && !deleted.containsAll(PlannerReferenceTest.asSet(s.uids()))) {
                    batch.add(s);
                    server.apply(op);
                    continue;
                }
                checkBatch(batch, before, server.state().source(), shapes, "seed " + seed);
                batch.clear();
                server.apply(op);
                before = server.state().source();
            }
            checkBatch(batch, before, server.state().source(), shapes, "seed " + seed);
            assertThat(server.state()).as("seed %d", seed).isEqualTo(reference.state());
        }
        assertThat(shapes).as("each shape of grouping occurs")
                .containsKeys("one flag per store", "sets of flags", "exact keys", "widened keys");
        assertThat(shapes.values()).as(shapes.toString()).allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(5));
    }

    private static void checkBatch(List<Operation.Store> batch, Map<Long, Set<Flag>> before,
            Map<Long, Set<Flag>> after, Map<String, Integer> shapes, String context) {
        for (StoreMode mode : List.of(StoreMode.ADD, StoreMode.REMOVE)) {
            List<Operation.Store> stores = batch.stream().filter(s -> s.mode() == mode).toList();
            if (!stores.isEmpty()) {
                checkDirection(stores, new Direction(mode, before, after), context).forEach(
                        shape -> shapes.merge(shape, 1, Integer::sum));
            }
        }
    }

    /** One direction of a batch: each message's exact change, and the widest STORE it may share. */
    private record Direction(StoreMode mode, Map<Long, Set<Flag>> before, Map<Long, Set<Flag>> after) {

        /** The flags the message gains (ADD) or loses (REMOVE) in this batch. */
        Set<Flag> change(long uid) {
            Set<Flag> out = new TreeSet<>(mode == StoreMode.ADD ? after.get(uid) : before.get(uid));
            out.removeAll(mode == StoreMode.ADD ? before.get(uid) : after.get(uid));
            return out;
        }

        /** Whether a STORE of this direction may hold {@code flag} for the message: it changes nothing the target disagrees with. */
        boolean mayHold(long uid, Flag flag) {
            return (mode == StoreMode.ADD) == after.get(uid).contains(flag);
        }
    }

    /** Asserts the promised properties of one direction's STOREs and names the shapes they have. */
    private static List<String> checkDirection(List<Operation.Store> stores, Direction direction, String context) {
        // Messages moved away are no longer in the source; a batch never stores them.
        Map<Long, Set<Flag>> change = new TreeMap<>();
        direction.after().keySet().forEach(uid -> {
            Set<Flag> flags = direction.change(uid);
            if (!flags.isEmpty()) {
                change.put(uid, flags);
            }
        });
        Map<Long, Set<Flag>> sent = new TreeMap<>();
        boolean widened = false;
        for (Operation.Store store : stores) {
            for (long uid : store.uids().toArray()) {
                assertThat(change).as("%s: %s stores only messages this batch changes", context, store).containsKey(uid);
                for (Flag flag : store.flags()) {
                    assertThat(direction.mayHold(uid, flag)).as("%s: %s never contradicts UID %d's target",
                            context, store, uid).isTrue();
                    widened |= !change.get(uid).contains(flag);
                }
                sent.computeIfAbsent(uid, u -> new TreeSet<>()).addAll(store.flags());
            }
        }
        change.forEach((uid, flags) -> assertThat(sent.getOrDefault(uid, Set.of()))
                .as("%s: UID %d gets its whole change", context, uid).containsAll(flags));
        int exactSets = groups(change, change::get).size();
        int flagsChanged = flagsIn(change).size();
        assertThat(stores).as("%s: no more STOREs than distinct exact changes (%d) nor than flags changed (%d)",
                context, exactSets, flagsChanged).hasSizeLessThanOrEqualTo(Math.min(exactSets, flagsChanged));
        return List.of(stores.stream().allMatch(s -> s.flags().size() == 1) ? "one flag per store" : "sets of flags",
                widened ? "widened keys" : "exact keys");
    }

    /** "[flags] [uids]" per distinct key of the messages (an empty key: the message is not sent). */
    private static Set<String> groups(Map<Long, Set<Flag>> messages, java.util.function.LongFunction<Set<Flag>> key) {
        Map<Set<Flag>, List<Long>> groups = new HashMap<>();
        messages.keySet().forEach(uid -> {
            Set<Flag> k = new TreeSet<>(key.apply(uid));
            if (!k.isEmpty()) {
                groups.computeIfAbsent(k, p -> new ArrayList<>()).add(uid);
            }
        });
        return groups.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<Flag> flagsIn(Map<Long, Set<Flag>> change) {
        return change.values().stream().flatMap(Set::stream).collect(Collectors.toSet());
    }
}
