package org.mailtidy.imap;

import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;

/**
 * What an expunging command's untagged responses say it removed of one piece of UIDs: with QRESYNC
 * the {@code VANISHED} UIDs themselves; else {@code EXPUNGE} responses, which name sequence numbers,
 * so as many as the piece has UIDs mean all of them, and fewer are resolved by asking which remain.
 */
final class ExpungeWatch {
    private final String piece;
    private final MailboxSearches searches;
    private final UidRanges vanished = new UidRanges();
    private boolean sawVanished;
    private long expungeResponses;

    ExpungeWatch(String piece, MailboxSearches searches) {
        this.piece = piece;
        this.searches = searches;
    }

    /** Never consumes: Angus and {@link UntaggedResponses} must still count the messages out. */
    boolean take(Response r) {
        if (Vanished.is(r)) {
            sawVanished = true;
            Vanished.read(r, vanished);
        } else if (r instanceof IMAPResponse ir && ir.keyEquals("EXPUNGE")) {
            expungeResponses++;
        }
        return false;
    }

    void addTo(UidRanges out) throws ImapException {
        long[] sent = UidSets.parseRanges(piece);
        long size = 0;
        for (int i = 0; i < sent.length; i += 2) {
            size += sent[i + 1] - sent[i] + 1;
        }
        if (sawVanished) {
            intersect(sent, vanished.toArray(), out);
        } else if (expungeResponses >= size) {
            for (int i = 0; i < sent.length; i += 2) {
                out.range(sent[i], sent[i + 1]);
            }
        } else if (expungeResponses > 0) {
            long[] all = UidSets.parse(piece);
            long[] present = searches.stillPresent(all);
            for (long uid : all) {
                if (java.util.Arrays.binarySearch(present, uid) < 0) {
                    out.range(uid, uid);
                }
            }
        }
    }

    /** The UIDs in both sets of ascending (first, last) pairs. */
    static void intersect(long[] a, long[] b, UidRanges out) {
        int i = 0;
        int j = 0;
        while (i < a.length && j < b.length) {
            long first = Math.max(a[i], b[j]);
            long last = Math.min(a[i + 1], b[j + 1]);
            if (first <= last) {
                out.range(first, last);
            }
            if (a[i + 1] < b[j + 1]) {
                i += 2;
            } else {
                j += 2;
            }
        }
    }
}
