package org.mailtidy.imap;

import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;

/**
 * The {@code VANISHED} response of QRESYNC (RFC 7162 section 3.2.10): {@code * VANISHED (EARLIER)
 * 41,43:116} answers a {@code UID FETCH ... (CHANGEDSINCE s VANISHED)} with the UIDs expunged since
 * s; without {@code (EARLIER)} it replaces {@code * n EXPUNGE} for the rest of the session. Read from
 * a copy of the response, so that Angus's own handler still finds it unread.
 */
final class Vanished {
    private Vanished() {
    }

    static boolean is(Response response) {
        return response instanceof IMAPResponse r && r.keyEquals("VANISHED");
    }

    /** Reads the UIDs into the sink; true when the response carried {@code (EARLIER)}. */
    static boolean read(Response response, UidRangeSink sink) {
        IMAPResponse r = new IMAPResponse((IMAPResponse) response);
        r.skipSpaces();
        boolean earlier = false;
        if (r.peekByte() == '(') {
            String[] tags = r.readAtomStringList();
            for (String tag : tags == null ? new String[0] : tags) {
                earlier |= "EARLIER".equalsIgnoreCase(tag);
            }
        }
        SearchResults.readSequenceSet(r, sink);
        return earlier;
    }

    /**
     * How many messages a {@code VANISHED} without {@code (EARLIER)} removed: each UID it names was in
     * the mailbox (RFC 7162 section 3.2.10), so the message count drops by as many; 0 for {@code (EARLIER)}.
     */
    static long expunged(Response response) {
        long[] count = {0};
        boolean earlier = read(response, (first, last) -> count[0] += last - first + 1);
        return earlier ? 0 : count[0];
    }
}
