package org.mailtidy.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mailtidy.engine.journal.CopyLedger;
import org.mailtidy.imap.CopiedUids;
import org.mailtidy.imap.ImapSession;
import org.mailtidy.imap.Moved;
import org.mailtidy.mail.UidSet;

/**
 * What the server acknowledged of a batch's copies and moves: the counts ({@link Acknowledged}),
 * where the messages went (COPYUID, for the audit and undo) and the copies made (for the ledger).
 */
final class TransferRecord {
    private final ImapSession connection;
    private final Acknowledged acknowledged;
    private final List<CopyLedger.Made> copiesMade = new ArrayList<>();
    /** COPYUID of each copy the plan sent, by copying rule and destination ({@link #copyKey}). */
    private final Map<String, CopiedUids> planCopied = new HashMap<>();
    /** COPYUID of the moves, by destination. */
    private final Map<String, CopiedUids> moved = new HashMap<>();

    TransferRecord(ImapSession connection, Acknowledged acknowledged) {
        this.connection = connection;
        this.acknowledged = acknowledged;
    }

    static String copyKey(String rule, String mailbox) {
        return rule + "\u0000" + mailbox;
    }

    void made(String rule, String mailbox, long[] uids) {
        copiesMade.add(new CopyLedger.Made(rule, mailbox, UidSet.of(uids)));
    }

    /** A copy of the plan's, {@code sent} the UIDs it was sent for. */
    void copied(String rule, String mailbox, CopiedUids copied, long[] sent) {
        acknowledged.copied(rule, sources(copied, sent));
        planCopied.merge(copyKey(rule, mailbox), copied, CopiedUids::plus);
    }

    void moved(String mailbox, Moved done) {
        acknowledged.movedRanges(done.goneRanges());
        moved.merge(mailbox, done.copied(), CopiedUids::plus);
    }

    /** A move sent as COPY (the server has no MOVE); the originals are marked and expunged after. */
    void copiedForMove(String mailbox, CopiedUids copied, long[] sent) {
        acknowledged.copiedForMove(sources(copied, sent));
        moved.merge(mailbox, copied, CopiedUids::plus);
    }

    List<CopyLedger.Made> copiesMade() {
        return copiesMade;
    }

    Map<String, CopiedUids> planCopied() {
        return planCopied;
    }

    Map<String, CopiedUids> moved() {
        return moved;
    }

    /** The UIDs a COPY copied: its COPYUID source set, or with no UIDPLUS (no COPYUID) the UIDs sent. */
    private long[] sources(CopiedUids copied, long[] sent) {
        return connection.hasCapability("UIDPLUS") ? copied.source() : sent;
    }
}
