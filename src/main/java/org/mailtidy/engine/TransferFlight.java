package org.mailtidy.engine;

import org.mailtidy.imap.TransferRequest;
import org.mailtidy.imap.TransferOutcome;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.mailtidy.imap.ImapException;
import org.mailtidy.imap.ImapSession;
import org.mailtidy.imap.MailboxSession;
import org.mailtidy.rules.Operation;

/**
 * Copies (not journaled) and moves of a batch sent in flights; a journaled copy needs its
 * destination's UIDNEXT first, and a copy for a move where the server has no MOVE needs the
 * originals marked after it, so those go one by one.
 */
final class TransferFlight {
    private final ImapSession connection;
    private final MailboxSession box;
    private final boolean journaled;
    private final LeftAlone leftAlone;
    private final TransferDestinations destinations;
    private final TransferRecord record;

    TransferFlight(ImapSession connection, MailboxSession box, boolean journaled, LeftAlone leftAlone,
                   TransferDestinations destinations, TransferRecord record) {
        this.connection = connection;
        this.box = box;
        this.journaled = journaled;
        this.leftAlone = leftAlone;
        this.destinations = destinations;
        this.record = record;
    }

    /** Whether {@code op} goes in a flight. */
    boolean carries(Operation op) {
        return op.match(s -> false, c -> !journaled, m -> connection.hasCapability("MOVE"), x -> false);
    }

    private static boolean isMove(Operation op) {
        return op.match(s -> false, c -> false, m -> true, x -> false);
    }

    private static String destination(Operation op) {
        return op.match(s -> {
            throw new IllegalArgumentException("not a copy or move: " + op);
        }, Operation.Copy::mailbox, Operation.Move::mailbox, x -> {
            throw new IllegalArgumentException("not a copy or move: " + op);
        });
    }

    /**
     * The copies and moves of {@code sending} from {@code first} on, in one flight while no message is
     * in two of them (so none depends on another's outcome), a CREATE in front of each destination not
     * known to exist on this connection. A destination still refused with {@code [TRYCREATE]} is
     * created, and the refused commands sent again, in one more flight. A COPY or MOVE
     * the server refuses otherwise leaves its messages alone for the rest of the batch (the others of
     * its flight were sent with it), as a refused store does, and fails the run once the batch is
     * through.
     *
     * @return the index after the last operation of the flight
     */
    int send(List<Operation> sending, int first) throws ImapException {
        List<Operation> group = new ArrayList<>();
        List<long[]> sent = new ArrayList<>();
        Set<Long> inFlight = new HashSet<>();
        int last = first;
        while (last < sending.size() && carries(sending.get(last))) {
            long[] uids = leftAlone.without(sending.get(last).uids().toArray());
            if (LongStream.of(uids).anyMatch(inFlight::contains)
                    || !group.isEmpty() && !box.qresync() && (isMove(sending.get(last))
                    || group.stream().anyMatch(TransferFlight::isMove))) {
                // without QRESYNC a MOVE's expunges are reported by sequence number, which cannot tell
                // which command of a flight they answer: one MOVE per flight
                break;
            }
            LongStream.of(uids).forEach(inFlight::add);
            group.add(sending.get(last));
            sent.add(uids);
            last++;
        }
        List<TransferRequest> requests = new ArrayList<>();
        List<Integer> requestOf = new ArrayList<>();
        for (int i = 0; i < group.size(); i++) {
            if (sent.get(i).length > 0) {
                requests.add(new TransferRequest(sent.get(i), destination(group.get(i)),
                        isMove(group.get(i))));
                requestOf.add(i);
            }
        }
        List<TransferOutcome> outcomes = new ArrayList<>(box.transferAll(requests, List.of()));
        destinations.retryCreated(box, requests, outcomes);
        for (int r = 0; r < requests.size(); r++) {
            Operation op = group.get(requestOf.get(r));
            TransferOutcome outcome = outcomes.get(r);
            long[] refusedUids = outcome.refusedUids();
            leftAlone.refused(refusedUids);
            outcome.refusal().ifPresent(leftAlone::refusal);
            long[] done = LongStream.of(requests.get(r).uids()).filter(u -> Arrays.binarySearch(refusedUids, u) < 0)
                    .toArray();
            if (done.length == 0) {
                continue;
            }
            destinations.exists(requests.get(r).mailbox());
            op.match(s -> null, c -> {
                record.made(c.rule(), c.mailbox(), done);
                record.copied(c.rule(), c.mailbox(), outcome.done().copied(), done);
                return null;
            }, m -> {
                record.moved(m.mailbox(), outcome.done());
                return null;
            }, x -> null);
        }
        return last;
    }
}
