package org.mailtidy.imap;

/**
 * What the server reported of a {@code UID MOVE}: the UIDs gone from the source mailbox (from
 * VANISHED or EXPUNGE responses), as ascending (first, last) pairs, and where they went
 * ({@code COPYUID}, empty without UIDPLUS).
 */
public final class Moved {
    private final long[] goneRanges;
    private final CopiedUids copied;

    Moved(long[] goneRanges, CopiedUids copied) {
        this.goneRanges = goneRanges.clone();
        this.copied = copied;
    }

    public long[] goneRanges() {
        return goneRanges.clone();
    }

    public CopiedUids copied() {
        return copied;
    }
}
