package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.mailtidy.mail.StoreMode;
import org.mailtidy.mail.UidSet;
import org.mailtidy.rules.Flag;
import org.mailtidy.rules.Operation;

class ExpungeBeforeMovesTest {
    private static final Operation SEEN = new Operation.Store(UidSet.of(1, 2, 3), StoreMode.ADD, Set.of(Flag.SEEN));
    private static final Operation MOVE = new Operation.Move(UidSet.of(2), "Archive");
    private static final Operation TRASH = new Operation.Move(UidSet.of(3), "Trash");
    private static final Operation MARK = new Operation.Store(UidSet.of(4, 5), StoreMode.ADD, Set.of(Flag.DELETED));
    private static final Operation EXPUNGE = new Operation.Expunge(UidSet.of(4, 5, 6));

    @Test
    void theDeletesGoBeforeTheMovesWhereNoMovedMessageIsDeleted() {
        assertThat(ExpungeBeforeMoves.order(List.of(SEEN, MOVE, TRASH, MARK, EXPUNGE), true))
                .containsExactly(SEEN, MARK, EXPUNGE, MOVE, TRASH);
        // every deleted message already had \Deleted: the plan has no store of it
        assertThat(ExpungeBeforeMoves.order(List.of(SEEN, MOVE, EXPUNGE), true))
                .containsExactly(SEEN, EXPUNGE, MOVE);
    }

    @Test
    void theOrderStaysWhereAMovedMessageIsAlsoDeleted() {
        Operation expungeTwo = new Operation.Expunge(UidSet.of(2, 4, 5));
        assertThat(ExpungeBeforeMoves.order(List.of(SEEN, MOVE, MARK, expungeTwo), true))
                .containsExactly(SEEN, MOVE, MARK, expungeTwo);
    }

    @Test
    void withoutMoveTheOrderStays() {
        // there a move is a COPY whose originals the plan's expunge removes
        assertThat(ExpungeBeforeMoves.order(List.of(SEEN, MOVE, MARK, EXPUNGE), false))
                .containsExactly(SEEN, MOVE, MARK, EXPUNGE);
    }

    @Test
    void aPlanWithoutMovesOrWithoutExpungeIsSentAsPlanned() {
        assertThat(ExpungeBeforeMoves.order(List.of(SEEN, MARK, EXPUNGE), true)).containsExactly(SEEN, MARK, EXPUNGE);
        assertThat(ExpungeBeforeMoves.order(List.of(SEEN, MOVE, TRASH), true)).containsExactly(SEEN, MOVE, TRASH);
        assertThat(ExpungeBeforeMoves.order(List.of(), true)).isEmpty();
    }

    /** What matters to a message: the operations on it, in order. The reorder never changes that. */
    @Property
    void everyMessageSeesItsOperationsInThePlansOrder(@ForAll("plans") List<Operation> plan) {
        List<Operation> sent = ExpungeBeforeMoves.order(plan, true);
        assertThat(sent).containsExactlyInAnyOrderElementsOf(plan);
        for (long uid = 1; uid <= 8; uid++) {
            assertThat(touching(sent, uid)).isEqualTo(touching(plan, uid));
        }
    }

    private static List<Operation> touching(List<Operation> ops, long uid) {
        return ops.stream().filter(op -> op.uids().contains(uid)).toList();
    }

    @Provide
    Arbitrary<List<Operation>> plans() {
        Arbitrary<UidSet> uids = Arbitraries.longs().between(1, 8).set().ofMinSize(1).ofMaxSize(4)
                .map(s -> UidSet.of(s.stream().mapToLong(Long::longValue)));
        Arbitrary<Operation> store = uids.map(u -> new Operation.Store(u, StoreMode.ADD, Set.of(Flag.SEEN)));
        Arbitrary<Operation> move = Combinators.combine(uids, Arbitraries.of("Archive", "Trash"))
                .as(Operation.Move::new);
        Arbitrary<Operation> mark = uids.map(u -> new Operation.Store(u, StoreMode.ADD, Set.of(Flag.DELETED)));
        return Combinators.combine(store.list().ofMaxSize(2), move.list().ofMaxSize(3), mark.optional(),
                uids.optional()).as((stores, moves, marked, expunged) -> {
                    List<Operation> out = new ArrayList<>(stores);
                    out.addAll(moves);
                    marked.ifPresent(out::add);
                    expunged.ifPresent(u -> out.add(new Operation.Expunge(u)));
                    return List.copyOf(out);
                });
    }

}
