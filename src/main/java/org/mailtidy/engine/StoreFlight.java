package org.mailtidy.engine;

import org.mailtidy.imap.StoreRequest;
import org.mailtidy.imap.StoreOutcome;
import org.mailtidy.imap.StoresInterrupted;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import org.mailtidy.imap.ImapException;
import org.mailtidy.imap.ImapSession;
import org.mailtidy.imap.MailboxSession;
import org.mailtidy.imap.SelectedMailbox;
import org.mailtidy.rules.Flag;
import org.mailtidy.rules.MailboxSnapshot;
import org.mailtidy.rules.Operation;

/**
 * A batch's consecutive stores, each message's folded into its net change ({@link NetStores}: one
 * STORE per message where stores are conditional, so all go in one flight), pipelined
 * ({@link SelectedMailbox#storeAll}). What the server did is per message, so the counts, audit and
 * journal of each plan operation follow from it unchanged. A store the server
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
    /** The flags the run read, by message. */
    private final MailboxSnapshot read;
    /** Indexes into {@link #read} of the messages an earlier run of stores of this batch was sent for. */
    private final BitSet storedBefore = new BitSet();

    StoreFlight(ImapSession connection, MailboxSession box, LeftAlone leftAlone, Acknowledged acknowledged,
                boolean expungeMayRideAlong, MailboxSnapshot read) {
        this.expungeMayRideAlong = expungeMayRideAlong;
        this.read = read;
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

    private void mark(long[] uids, BitSet indexes) {
        for (long uid : uids) {
            int i = read.indexOf(uid);
            if (i >= 0) {
                indexes.set(i);
            }
        }
    }

    /** The stores of {@code sending} from {@code first} up to the next operation that is not a store. */
    Sent send(List<Operation> sending, int first, List<long[]> copiedInsteadOfMoved) throws ImapException {
        List<Operation.Store> stores = new ArrayList<>();
        int last = first;
        while (last < sending.size()) {
            Optional<Operation.Store> s = store(sending.get(last));
            if (s.isEmpty()) {
                break;
            }
            stores.add(s.get());
            last++;
        }
        // A message marked \Deleted for a move without MOVE, or stored before in this batch, no
        // longer has the flags the run read.
        BitSet changedSinceRead = (BitSet) storedBefore.clone();
        copiedInsteadOfMoved.forEach(uids -> mark(uids, changedSinceRead));
        List<StoreRequest> requests = new ArrayList<>();
        for (NetStores.Merged merged : NetStores.fold(stores, read, changedSinceRead, box.conditionalStores())) {
            long[] uids = leftAlone.without(merged.uids());
            if (uids.length > 0) {
                requests.add(new StoreRequest(uids, merged.mode(), merged.flags().stream().map(Flag::name).toList()));
                mark(uids, storedBefore);
            }
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
