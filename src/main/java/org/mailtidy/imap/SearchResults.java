package org.mailtidy.imap;

import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;

/**
 * Reads the untagged answers of {@code UID SEARCH} from the response bytes into a {@link UidRangeSink}:
 * at a million messages an ESEARCH result is megabytes of text, which must not become a string, its
 * split pieces and an array of UIDs on a 64 MB heap.
 */
final class SearchResults {
    private SearchResults() {
    }

    /** Reads the response if it is a search answer ({@code SEARCH} or {@code ESEARCH}); false otherwise. */
    static boolean read(Response response, UidRangeSink sink) {
        if (!(response instanceof IMAPResponse r)) {
            return false;
        }
        if (r.keyEquals("SEARCH")) {
            readSearch(r, sink);
            return true;
        }
        if (r.keyEquals("ESEARCH")) {
            readEsearch(r, sink);
            return true;
        }
        return false;
    }

    /**
     * RFC 3501 section 7.2.5: {@code * SEARCH 2 3 7}; a CONDSTORE {@code (MODSEQ n)} at the end ends
     * the numbers.
     */
    private static void readSearch(IMAPResponse r, UidRangeSink sink) {
        for (long uid; (uid = r.readLong()) != -1; ) {
            sink.range(uid, uid);
        }
    }

    /** RFC 4731: {@code * ESEARCH (TAG "A1") UID ALL 1:3,7}; return items other than ALL are skipped. */
    private static void readEsearch(IMAPResponse r, UidRangeSink sink) {
        r.skipSpaces();
        if (r.peekByte() == '(') {
            for (byte b = r.readByte(); b != ')' && b != 0; b = r.readByte()) {
                // the search correlator names the command's tag, which only one command is using
            }
        }
        for (String item; (item = r.readAtom()) != null && !item.isEmpty(); ) {
            if (item.equalsIgnoreCase("ALL")) {
                readSequenceSet(r, sink);
            } else if (!item.equalsIgnoreCase("UID")) {
                r.readAtom();
            }
        }
    }

    /** A sequence set ({@code 1:3,7}); RFC 3501 lets a range come as {@code 3:1}. */
    static void readSequenceSet(Response r, UidRangeSink sink) {
        r.skipSpaces();
        while (true) {
            long a = readUid(r);
            long b = a;
            if (r.peekByte() == ':') {
                r.readByte();
                b = readUid(r);
            }
            sink.range(Math.min(a, b), Math.max(a, b));
            if (r.peekByte() != ',') {
                return;
            }
            r.readByte();
        }
    }

    /** One UID; {@code *} (the largest UID in use, not expected in a result) reads as the largest possible. */
    private static long readUid(Response r) {
        if (r.peekByte() == '*') {
            r.readByte();
            return UidSets.MAX_UID;
        }
        long value = 0;
        int digits = 0;
        for (byte b = r.peekByte(); b >= '0' && b <= '9'; b = r.peekByte()) {
            value = value * 10 + (r.readByte() - '0');
            if (++digits > 10 || value > UidSets.MAX_UID) {
                throw new IllegalArgumentException("UID out of range in a search result");
            }
        }
        if (digits == 0 || value == 0) {
            throw new IllegalArgumentException("malformed UID set in a search result");
        }
        return value;
    }
}
