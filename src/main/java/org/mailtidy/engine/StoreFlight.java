package org.mailtidy.engine;

import org.mailtidy.imap.StoreRequest;
import org.mailtidy.imap.StoreOutcome;
import org.mailtidy.imap.StoresInterrupted;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.mailtidy.imap.ImapException;
import org.mailtidy.imap.ImapSession;
import org.mailtidy.imap.MailboxSession;
import org.mailtidy.imap.SelectedMailbox;
import org.mailtidy.rules.Flag;
import org.mailtidy.rules.Operation;

/**
 * A batch's consecutive stores, pipelined ({@link SelectedMailbox#storeAll}). A store the server
 * refuses (NO, BAD) leaves its messages alone for the rest of the batch, as a refused conditional
 * store does, and fails the run once the batch is through: the rest of the batch was sent with it.
 */
final class StoreFlight {
    private final ImapSession connection;
    private final MailboxSession box;
    private final LeftAlone leftAlone;
    private final Acknowledged acknowledged;

    /**
     * False where a permit guards each operation (a cluster's mailbox lock): then the expunge is an
     * operation of its own, sent only if the permit still holds after the stores.
     */
    private final boolean expungeMayRideAlong;

    StoreFlight(ImapSession connection, MailboxSession box, LeftAlone leftAlone, Acknowledged acknowledged,
                boolean expungeMayRideAlong) {
        this.expungeMayRideAlong = expungeMayRideAlong;
        this.connection = connection;
        this.box = box;
        this.leftAlone = leftAlone;
        this.acknowledged = acknowledged;
    }

    /**
     * How far a flight got. {@code position}: the index of the operation the batch goes on after
     * (and from which on it counts operations as not done where it stops); {@code expunged}: the
     * UID EXPUNGE after the stores went with them and was acknowledged; {@code failure}: why the
     * batch stops here, or null.
     */
    record Sent(int position, boolean expunged, ImapException failure) {
    }

    private static Optional<Operation.Store> store(Operation op) {
        return op.match(Optional::of, c -> Optional.empty(), m -> Optional.empty(), x -> Optional.empty());
    }

    private static Optional<Operation.Expunge> expunge(Operation op) {
        return op.match(s -> Optional.empty(), c -> Optional.empty(), m -> Optional.empty(), Optional::of);
    }

    /** The stores of {@code sending} from {@code first} up to the next operation that is not a store. */
    Sent send(List<Operation> sending, int first, List<long[]> copiedInsteadOfMoved) throws ImapException {
        List<StoreRequest> requests = new ArrayList<>();
        int last = first;
        while (last < sending.size()) {
            Optional<Operation.Store> s = store(sending.get(last));
            if (s.isEmpty()) {
                break;
            }
            requests.add(new StoreRequest(leftAlone.without(s.get().uids().toArray()), s.get().mode(),
                    s.get().flags().stream().map(Flag::name).toList()));
            last++;
        }
        // The UID EXPUNGE after the stores goes in their last flight where the stores are conditional
        // (docs/adr/0014-fewer-round-trips-written-ahead-and-flights-of-moves.md)
        Optional<Operation.Expunge> next = last < sending.size() ? expunge(sending.get(last)) : Optional.empty();
        long[] expungeAfter = expungeMayRideAlong && next.isPresent() && connection.hasCapability("UIDPLUS")
                && box.conditionalStores()
                ? leftAlone.without(ExpungeSender.union(next.get().uids().toArray(), copiedInsteadOfMoved)) : null;
        StoreOutcome outcome;
        try {
            outcome = box.storeAll(requests, expungeAfter);
        } catch (StoresInterrupted e) {
            // The stores the server acknowledged are done; the rest of them, and every operation
            // after them, are not.
            leftAlone.storesUnfinished(e.unfinished());
            return new Sent(last, false, (ImapException) e.getCause());
        }
        leftAlone.changedByOthers(outcome.leftAlone());
        leftAlone.refused(outcome.refused());
        outcome.failure().ifPresent(leftAlone::refusal);
        if (!outcome.expungeSent()) {
            return new Sent(last - 1, false, null);
        }
        if (outcome.expungeFailure().isPresent()) {
            return new Sent(last, false, outcome.expungeFailure().get());
        }
        acknowledged.expungedRanges(outcome.expunged());
        return new Sent(last, true, null);
    }
}
