package org.mailtidy.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.LongStream;
import org.mailtidy.engine.journal.CopyJournal;
import org.mailtidy.engine.journal.CopyLedger;
import org.mailtidy.imap.CopiedUids;
import org.mailtidy.imap.ImapException;
import org.mailtidy.imap.ImapSession;
import org.mailtidy.imap.MailboxSession;
import org.mailtidy.imap.Moved;
import org.mailtidy.imap.SelectedMailbox;
import org.mailtidy.mail.StoreMode;
import org.mailtidy.mail.UidSet;
import org.mailtidy.rules.Flag;
import org.mailtidy.rules.MailboxPlan;
import org.mailtidy.rules.Operation;

/**
 * Sends a plan's operations in order. Stops at once if the mailbox's UIDVALIDITY changes (the
 * UIDs would name other messages). Expunges only with UID EXPUNGE (RFC 4315) and only the UIDs the
 * plan marked; without UIDPLUS nothing is expunged unless the user allowed a mailbox-wide EXPUNGE.
 * Where the server refuses a conditional store because another client changed a message (RFC 7162),
 * the rest of the plan leaves that message alone too: no copy, move or expunge on a stale decision.
 */
final class BatchExecutor {
    private final ImapSession connection;
    private final MailboxSession box;
    private final boolean expungeWithoutUidplus;
    private final List<String> notes;
    private final Set<String> createdDestinations = new LinkedHashSet<>();
    private final Set<Long> leftAlone = new java.util.HashSet<>();
    /** Messages of stores the server refused (NO, BAD): nothing more is sent for them. */
    private final Set<Long> refused = new java.util.HashSet<>();
    /** After the connection was lost during pipelined stores: the UIDs not all of whose stores were acknowledged. */
    private final Set<Long> storesUnfinished = new java.util.HashSet<>();
    /** The first such refusal: the run fails with it once the rest of the batch is through. */
    private ImapException storeFailure;
    private final JournaledBatch journal;
    private final List<Operation> sending;
    /** Index in {@link #sending} of the operation in progress; its size once the batch is through. */
    private int current;
    private final List<long[]> copiedInsteadOfMoved = new ArrayList<>();
    private boolean expunged;
    private final List<CopiedUids> owedCopied = new ArrayList<>();
    private final List<CopyLedger.Made> copiesMade = new ArrayList<>();
    private final Acknowledged acknowledged;
    /** COPYUID of each copy the plan sent, by copying rule and destination ({@link #copyKey}). */
    private final java.util.Map<String, CopiedUids> planCopied = new java.util.HashMap<>();
    /** COPYUID of the moves, by destination. */
    private final java.util.Map<String, CopiedUids> moved = new java.util.HashMap<>();
    private final SendPermit permit;
    /** Copies of the plan handled so far (their index in the copy journal). */
    private int copies;

    /**
     * {@code journal}: null when copies are not journaled (no state directory); {@code acknowledged}
     * gets what the server confirmed of each operation; {@code permit} is asked before each
     * operation, and once it is revoked nothing more is sent.
     */
    BatchExecutor(ImapSession connection, MailboxSession box, boolean expungeWithoutUidplus, List<String> notes,
                  MailboxPlan plan, JournaledBatch journal, Acknowledged acknowledged, SendPermit permit) {
        this.acknowledged = acknowledged;
        this.permit = permit;
        this.sending = plan.operations();
        this.connection = connection;
        this.box = box;
        this.expungeWithoutUidplus = expungeWithoutUidplus;
        this.notes = notes;
        this.journal = journal;
    }

    /**
     * Sends copies an earlier, broken batch owed (journal entries {@code 0..owed.size()-1}), before
     * the plan can move or delete their originals.
     *
     * @return per owed copy, where the copies went (empty without UIDPLUS)
     */
    List<CopiedUids> sendOwed(List<CopyJournal.Copy> owed) throws ImapException, RunFailure {
        for (int i = 0; i < owed.size(); i++) {
            guardUidValidity();
            owedCopied.add(copy(i, owed.get(i).uids(), owed.get(i).mailbox(), owed.get(i).rule()));
        }
        return owedCopied;
    }

    /** Where the plan's copies went (COPYUID), by {@link #copyKey}; absent without UIDPLUS. */
    java.util.Map<String, CopiedUids> planCopied() {
        return planCopied;
    }

    /** Where the moved (and trashed) messages went (COPYUID), by destination. */
    java.util.Map<String, CopiedUids> moved() {
        return moved;
    }

    static String copyKey(String rule, String mailbox) {
        return rule + "\u0000" + mailbox;
    }

    /** The owed copies the server acknowledged so far, in order. */
    List<CopiedUids> owedCopied() {
        return owedCopied;
    }

    void send() throws ImapException, RunFailure {
        copies = 0;
        for (current = 0; current < sending.size(); current++) {
            Operation op = sending.get(current);
            guardUidValidity();
            long[] uids = withoutLeftAlone(op.uids().toArray());
            if (pipelinedTransfer(op)) {
                transferFrom(current);
                continue;
            }
            if (op instanceof Operation.Copy c) {
                int index = copies++;
                if (uids.length > 0) {
                    CopiedUids copied = copy(journal == null ? -1 : journal.planCopy(index), uids, c.mailbox(),
                            c.rule());
                    acknowledged.copied(c.rule(), sources(copied, uids));
                    planCopied.merge(copyKey(c.rule(), c.mailbox()), copied, CopiedUids::plus);
                } else if (journal != null) {
                    journal.acknowledged(journal.planCopy(index));
                }
                continue;
            }
            if (uids.length == 0) {
                continue;
            }
            if (op instanceof Operation.Store) {
                storeFrom(current);
            } else if (op instanceof Operation.Move m) {
                if (connection.hasCapability("MOVE")) {
                    Moved done = toDestination(m.mailbox(), () -> box.move(uids, m.mailbox()));
                    acknowledged.movedRanges(done.goneRanges());
                    moved.merge(m.mailbox(), done.copied(), CopiedUids::plus);
                } else {
                    // RFC 6851 section 3.3: without MOVE, COPY then mark and expunge the originals.
                    CopiedUids copied = toDestination(m.mailbox(), () -> box.copy(uids, m.mailbox()));
                    acknowledged.copiedForMove(sources(copied, uids));
                    moved.merge(m.mailbox(), copied, CopiedUids::plus);
                    leaveAlone(box.store(uids, StoreMode.ADD, List.of(Flag.DELETED.name())));
                    copiedInsteadOfMoved.add(uids);
                }
            } else if (op instanceof Operation.Expunge) {
                expunge(withoutLeftAlone(union(uids, copiedInsteadOfMoved)));
                expunged = true;
            }
        }
        if (!expunged && !copiedInsteadOfMoved.isEmpty()) {
            guardUidValidity();
            expunge(withoutLeftAlone(union(new long[0], copiedInsteadOfMoved)));
            expunged = true;
        }
        if (storeFailure != null) {
            throw storeFailure;
        }
        if (!leftAlone.isEmpty()) {
            notes.add(leftAlone.size() + " message" + (leftAlone.size() == 1 ? " was" : "s were") + " changed by"
                    + " another client after mailtidy read them and left alone (CONDSTORE, RFC 7162); the next run"
                    + " handles them");
        }
    }

    /**
     * The stores from {@code first} up to the next operation that is not a store, pipelined ({@link
     * SelectedMailbox#storeAll}); {@link #current} ends at the last of them. A store the server
     * refuses (NO, BAD) leaves its messages alone for the rest of the batch, as a refused conditional
     * store does, and fails the run once the batch is through: the rest of the batch was sent with it.
     */
    private void storeFrom(int first) throws ImapException {
        List<SelectedMailbox.StoreRequest> requests = new ArrayList<>();
        int last = first;
        while (last < sending.size() && sending.get(last) instanceof Operation.Store s) {
            requests.add(new SelectedMailbox.StoreRequest(withoutLeftAlone(s.uids().toArray()), s.mode(),
                    s.flags().stream().map(Flag::name).toList()));
            last++;
        }
        // The UID EXPUNGE after the stores goes in their last flight where the stores are conditional
        // (docs/adr/0014-fewer-round-trips-written-ahead-and-flights-of-moves.md)
        long[] expungeAfter = last < sending.size() && sending.get(last) instanceof Operation.Expunge x
                && connection.hasCapability("UIDPLUS") && box.conditionalStores()
                ? withoutLeftAlone(union(x.uids().toArray(), copiedInsteadOfMoved)) : null;
        SelectedMailbox.StoreOutcome outcome;
        try {
            outcome = box.storeAll(requests, expungeAfter);
        } catch (SelectedMailbox.StoresInterrupted e) {
            // The stores the server acknowledged are done; the rest of them, and every operation
            // after them, are not.
            LongStream.of(e.unfinished()).forEach(storesUnfinished::add);
            current = last;
            throw (ImapException) e.getCause();
        }
        leaveAlone(outcome.leftAlone());
        LongStream.of(outcome.refused()).forEach(refused::add);
        if (storeFailure == null) {
            storeFailure = outcome.failure().orElse(null);
        }
        current = last - 1;
        if (outcome.expungeSent()) {
            current = last;
            if (outcome.expungeFailure().isPresent()) {
                throw outcome.expungeFailure().get();
            }
            acknowledged.expungedRanges(outcome.expunged());
            expunged = true;
        }
    }

    /** Copies (not journaled) and moves go in flights; a journaled copy needs its destination's UIDNEXT first. */
    private boolean pipelinedTransfer(Operation op) {
        return op instanceof Operation.Copy && journal == null
                || op instanceof Operation.Move && connection.hasCapability("MOVE");
    }

    /**
     * The copies and moves from {@code first} on, in one flight while no message is in two of them
     * (so none depends on another's outcome); {@link #current} ends at the last of them. A destination
     * refused with {@code [TRYCREATE]} is created, and the refused commands sent again, in one more
     * flight. A COPY or MOVE the server refuses otherwise leaves its messages alone for the rest of the
     * batch (the others of its flight were sent with it), as a refused store does, and fails the run
     * once the batch is through.
     */
    private void transferFrom(int first) throws ImapException {
        List<Operation> group = new ArrayList<>();
        List<long[]> sent = new ArrayList<>();
        Set<Long> inFlight = new java.util.HashSet<>();
        int last = first;
        while (last < sending.size() && pipelinedTransfer(sending.get(last))) {
            long[] uids = withoutLeftAlone(sending.get(last).uids().toArray());
            if (LongStream.of(uids).anyMatch(inFlight::contains)
                    || !group.isEmpty() && !box.qresync() && (sending.get(last) instanceof Operation.Move
                    || group.stream().anyMatch(o -> o instanceof Operation.Move))) {
                // without QRESYNC a MOVE's expunges are reported by sequence number, which cannot tell
                // which command of a flight they answer: one MOVE per flight
                break;
            }
            LongStream.of(uids).forEach(inFlight::add);
            group.add(sending.get(last));
            sent.add(uids);
            last++;
        }
        List<SelectedMailbox.TransferRequest> requests = new ArrayList<>();
        List<Integer> requestOf = new ArrayList<>();
        for (int i = 0; i < group.size(); i++) {
            if (sent.get(i).length > 0) {
                requests.add(new SelectedMailbox.TransferRequest(sent.get(i), destination(group.get(i)),
                        group.get(i) instanceof Operation.Move));
                requestOf.add(i);
            }
        }
        List<SelectedMailbox.TransferOutcome> outcomes = new ArrayList<>(box.transferAll(requests, List.of()));
        retryCreated(requests, outcomes);
        for (int r = 0; r < requests.size(); r++) {
            Operation op = group.get(requestOf.get(r));
            SelectedMailbox.TransferOutcome outcome = outcomes.get(r);
            long[] refusedUids = outcome.refusedUids();
            LongStream.of(refusedUids).forEach(refused::add);
            if (outcome.refusal().isPresent() && storeFailure == null) {
                storeFailure = outcome.refusal().get();
            }
            long[] done = LongStream.of(requests.get(r).uids()).filter(u -> Arrays.binarySearch(refusedUids, u) < 0)
                    .toArray();
            if (done.length == 0) {
                continue;
            }
            createdDestinations.add(requests.get(r).mailbox());
            if (op instanceof Operation.Copy c) {
                CopiedUids copied = outcome.done().copied();
                copiesMade.add(new CopyLedger.Made(c.rule(), c.mailbox(), UidSet.of(done)));
                acknowledged.copied(c.rule(), sources(copied, done));
                planCopied.merge(copyKey(c.rule(), c.mailbox()), copied, CopiedUids::plus);
            } else if (op instanceof Operation.Move m) {
                acknowledged.movedRanges(outcome.done().goneRanges());
                moved.merge(m.mailbox(), outcome.done().copied(), CopiedUids::plus);
            }
        }
        for (Operation op : group) {
            if (op instanceof Operation.Copy) {
                copies++;
            }
        }
        current = last - 1;
    }

    /**
     * The commands refused because their destination does not exist ({@code [TRYCREATE]}, or a refusal
     * without it for a mailbox LIST does not show): the destinations created and the commands sent
     * again, together in one flight. Their outcomes replace the refusals in {@code outcomes}.
     */
    private void retryCreated(List<SelectedMailbox.TransferRequest> requests,
                              List<SelectedMailbox.TransferOutcome> outcomes) throws ImapException {
        Set<String> create = new LinkedHashSet<>();
        List<Integer> retry = new ArrayList<>();
        for (int r = 0; r < requests.size(); r++) {
            SelectedMailbox.TransferOutcome o = outcomes.get(r);
            String mailbox = requests.get(r).mailbox();
            if (o.refusal().isEmpty() || o.refusedUids().length == 0 || createdDestinations.contains(mailbox)) {
                continue;
            }
            if (o.tryCreate() || !create.contains(mailbox) && !connection.list(mailbox).contains(mailbox)) {
                create.add(mailbox);
                retry.add(r);
            } else if (create.contains(mailbox)) {
                retry.add(r);
            }
        }
        if (retry.isEmpty()) {
            return;
        }
        for (String mailbox : create) {
            org.slf4j.LoggerFactory.getLogger(BatchExecutor.class).info("creating mailbox '{}' on {}", mailbox,
                    connection.description());
        }
        List<SelectedMailbox.TransferRequest> again = retry.stream().map(r -> new SelectedMailbox.TransferRequest(
                outcomes.get(r).refusedUids(), requests.get(r).mailbox(), requests.get(r).move())).toList();
        List<SelectedMailbox.TransferOutcome> retried = box.transferAll(again, create);
        createdDestinations.addAll(create);
        for (int i = 0; i < retry.size(); i++) {
            int r = retry.get(i);
            SelectedMailbox.TransferOutcome first = outcomes.get(r);
            SelectedMailbox.TransferOutcome second = retried.get(i);
            outcomes.set(r, new SelectedMailbox.TransferOutcome(first.done().plus(second.done()),
                    second.refusedUids(), second.refusal(), second.tryCreate()));
        }
    }

    private static String destination(Operation op) {
        return op instanceof Operation.Copy c ? c.mailbox() : ((Operation.Move) op).mailbox();
    }

    /**
     * After {@link #send} failed (or was never called): the UIDs some operation of which was not acknowledged (the one
     * that failed, those not sent, a pending expunge of copied-instead-of-moved originals). The
     * other messages' changes all reached the server.
     */
    Set<Long> unfinished() {
        Set<Long> out = new java.util.HashSet<>(leftAlone);
        out.addAll(refused);
        out.addAll(storesUnfinished);
        for (int i = current; i < sending.size(); i++) {
            sending.get(i).uids().stream().forEach(out::add);
        }
        if (!expunged) {
            copiedInsteadOfMoved.forEach(u -> LongStream.of(u).forEach(out::add));
        }
        return out;
    }

    /** The copies the server acknowledged so far (owed ones first), by rule and destination. */
    List<CopyLedger.Made> copiesMade() {
        return copiesMade;
    }

    /** UIDNEXT journaled before the COPY, so the next run can tell whether a COPY left in doubt was made. */
    private CopiedUids copy(int journalIndex, long[] uids, String mailbox, String rule)
            throws ImapException, RunFailure {
        CopiedUids copied;
        if (journal != null) {
            ensureExists(mailbox);  // STATUS needs the mailbox
            journal.sending(journalIndex, uids, connection.uidNext(mailbox));
            copied = box.copy(uids, mailbox);
        } else {
            copied = toDestination(mailbox, () -> box.copy(uids, mailbox));
        }
        copiesMade.add(new CopyLedger.Made(rule, mailbox, UidSet.of(uids)));
        if (journal != null) {
            journal.acknowledged(journalIndex);
        }
        return copied;
    }

    /**
     * Messages whose conditional store the server refused (RFC 7162): another client changed them,
     * so the plan for them is stale; and messages of stores the server refused outright. Nothing more
     * is sent for them in this run.
     */
    Set<Long> leftAlone() {
        if (refused.isEmpty()) {
            return leftAlone;
        }
        Set<Long> both = new java.util.HashSet<>(leftAlone);
        both.addAll(refused);
        return both;
    }

    private void leaveAlone(long[] uids) {
        for (long uid : uids) {
            leftAlone.add(uid);
        }
    }

    private long[] withoutLeftAlone(long[] uids) {
        return leftAlone.isEmpty() && refused.isEmpty() ? uids
                : LongStream.of(uids).filter(u -> !leftAlone.contains(u) && !refused.contains(u)).toArray();
    }

    private void expunge(long[] uids) throws ImapException {
        if (connection.hasCapability("UIDPLUS")) {
            acknowledged.expungedRanges(box.uidExpunge(uids));
        } else if (expungeWithoutUidplus) {
            box.expungeAll();
            long[] remaining = box.stillPresent(uids);
            acknowledged.expunged(LongStream.of(uids).filter(u -> Arrays.binarySearch(remaining, u) < 0).toArray());
            notes.add("the server has no UIDPLUS: sent a mailbox-wide EXPUNGE as safety.expunge_without_uidplus allows");
        } else {
            notes.add("the server has no UIDPLUS (RFC 4315), so " + uids.length
                    + " messages were marked \\Deleted but not expunged: a plain EXPUNGE would also remove other"
                    + " clients' \\Deleted mail (set safety.expunge_without_uidplus: true to allow it)");
            int copiedNotMoved = copiedInsteadOfMoved.stream().mapToInt(a -> a.length).sum();
            if (copiedNotMoved > 0) {
                notes.add(copiedNotMoved + " message" + (copiedNotMoved == 1 ? " was" : "s were") + " copied to"
                        + " the move_to or trash mailbox but not moved (the server has no MOVE): the originals stay"
                        + " here marked \\Deleted, and are not counted as moved");
            }
        }
    }

    /** The UIDs a COPY copied: its COPYUID source set, or with no UIDPLUS (no COPYUID) the UIDs sent. */
    private long[] sources(CopiedUids copied, long[] sent) {
        return connection.hasCapability("UIDPLUS") ? copied.source() : sent;
    }

    private void guardUidValidity() throws RunFailure {
        if (box.uidValidityChanged()) {
            throw new RunFailure("the mailbox's UIDVALIDITY changed during the run; nothing more was sent");
        }
        Optional<String> revoked = permit.revoked();
        if (revoked.isPresent()) {
            throw new RunFailure(revoked.get() + "; nothing more was sent");
        }
    }

    private interface ToDestination<T> {
        T send() throws ImapException;
    }

    /**
     * Sends a COPY or MOVE without first asking whether the destination exists (a LIST round trip
     * per destination and run): a destination that does not is refused with {@code [TRYCREATE]}
     * (RFC 3501 section 6.4.7), and a refused COPY or MOVE did nothing, so it is created and the
     * command sent again. A refusal without TRYCREATE is checked with LIST as before.
     */
    private <T> T toDestination(String mailbox, ToDestination<T> command) throws ImapException {
        if (createdDestinations.contains(mailbox)) {
            return command.send();
        }
        try {
            T done = command.send();
            createdDestinations.add(mailbox);
            return done;
        } catch (ImapException.NoResponse refused) {
            String text = refused.serverResponse() == null ? "" : refused.serverResponse();
            boolean tryCreate = text.toUpperCase(java.util.Locale.ROOT).contains("[TRYCREATE]");
            if (tryCreate) {
                connection.create(mailbox);
                createdDestinations.add(mailbox);
            } else if (connection.list(mailbox).contains(mailbox)) {
                throw refused;
            } else {
                ensureExists(mailbox);
            }
            return command.send();
        }
    }

    private void ensureExists(String mailbox) throws ImapException {
        if (createdDestinations.add(mailbox)) {
            connection.createIfMissing(mailbox);
        }
    }


    private static long[] union(long[] first, List<long[]> more) {
        if (more.isEmpty()) {
            return first;   // the plan's own ascending array; a sorted copy would cost three arrays of it
        }
        LongStream all = LongStream.of(first);
        for (long[] m : more) {
            all = LongStream.concat(all, LongStream.of(m));
        }
        return all.sorted().distinct().toArray();
    }
}
