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

    /** Both reports together (a move sent again after its destination was created). */
    public Moved plus(Moved other) {
        UidRanges gone = new UidRanges();
        for (long[] ranges : new long[][] {goneRanges, other.goneRanges}) {
            for (int i = 0; i < ranges.length; i += 2) {
                gone.range(ranges[i], ranges[i + 1]);
            }
        }
        return new Moved(gone.toArray(), copied.plus(other.copied));
    }
}
