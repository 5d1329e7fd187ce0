package org.mailtidy.imap;

import java.io.IOException;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.eclipse.angus.mail.imap.protocol.ListInfo;

/**
 * Angus's folder, with its handling of the {@code VANISHED} response (RFC 7162 section 3.2.10)
 * repaired; installed through the session property {@code mail.imap.folder.class}. Angus 2.0.4 fills
 * only every other element of the message array it builds for a {@code VANISHED} (its
 * {@code createMessagesForUIDs} advances the index twice), so one naming two or more UIDs throws a
 * NullPointerException out of the response handler, in the middle of whatever command or IDLE it
 * arrived in. Once QRESYNC is enabled every expunge is reported that way, a {@code UID MOVE} of many
 * messages included. Handed one UID at a time, the same handler counts each message out correctly.
 */
public class VanishedSafeFolder extends IMAPFolder {
    public VanishedSafeFolder(String fullName, char separator, IMAPStore store, Boolean isNamespace) {
        super(fullName, separator, store, isNamespace);
    }

    public VanishedSafeFolder(ListInfo info, IMAPStore store) {
        super(info, store);
    }

    @Override
    public void handleResponse(Response r) {
        if (!Vanished.is(r) || expunged(r) <= 1) {
            // (EARLIER) is ignored by Angus; a single UID goes through its handler unharmed.
            super.handleResponse(r);
            return;
        }
        Vanished.read(r, (first, last) -> {
            for (long uid = first; uid <= last; uid++) {
                super.handleResponse(single(uid));
            }
        });
    }

    /** A set too malformed to read counts as one: Angus's handler then does what it can with it. */
    private static long expunged(Response r) {
        try {
            return Vanished.expunged(r);
        } catch (IllegalArgumentException e) {
            return 1;
        }
    }

    private static IMAPResponse single(long uid) {
        try {
            return new IMAPResponse("* VANISHED " + uid);
        } catch (IOException | ProtocolException e) {
            throw new IllegalStateException("cannot make a VANISHED response for UID " + uid, e);
        }
    }
}
