package org.mailtidy.engine;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.mailtidy.mail.StoreMode;
import org.mailtidy.rules.Flag;
import org.mailtidy.rules.Operation;

/**
 * The order a batch is sent in: a plan ends with its moves, then the {@code \Deleted} store and
 * the {@code UID EXPUNGE} of the deleted messages. Where no moved message is among the deleted
 * ones, the store and the expunge go before the moves instead, so they join the plan's run of
 * stores and its flight (the expunge rides in the last store flight, docs/adr/0014): one round
 * trip less. Every message still sees its own operations in the plan's order; only operations on
 * different messages trade places. Without MOVE a move is a COPY whose originals the plan's
 * expunge removes, so there the order stays.
 */
final class ExpungeBeforeMoves {
    private ExpungeBeforeMoves() {
    }

    static List<Operation> order(List<Operation> plan, boolean serverMoves) {
        int expunge = plan.size() - 1;
        if (!serverMoves || expunge < 1 || !isExpunge(plan.get(expunge))) {
            return plan;
        }
        int deletedStore = isDeletedStore(plan.get(expunge - 1)) ? expunge - 1 : expunge;
        int firstMove = deletedStore;
        while (firstMove > 0 && isMove(plan.get(firstMove - 1))) {
            firstMove--;
        }
        if (firstMove == deletedStore) {
            return plan;
        }
        Set<Long> moved = new HashSet<>();
        plan.subList(firstMove, deletedStore).forEach(m -> m.uids().stream().forEach(moved::add));
        boolean disjoint = plan.subList(deletedStore, plan.size()).stream()
                .allMatch(op -> op.uids().stream().noneMatch(moved::contains));
        if (!disjoint) {
            return plan;
        }
        List<Operation> out = new ArrayList<>(plan.subList(0, firstMove));
        out.addAll(plan.subList(deletedStore, plan.size()));
        out.addAll(plan.subList(firstMove, deletedStore));
        return List.copyOf(out);
    }

    private static boolean isExpunge(Operation op) {
        return op.match(s -> false, c -> false, m -> false, x -> true);
    }

    private static boolean isMove(Operation op) {
        return op.match(s -> false, c -> false, m -> true, x -> false);
    }

    private static boolean isDeletedStore(Operation op) {
        return op.match(s -> s.mode() == StoreMode.ADD && s.flags().equals(Set.of(Flag.DELETED)), c -> false,
                m -> false, x -> false);
    }
}
