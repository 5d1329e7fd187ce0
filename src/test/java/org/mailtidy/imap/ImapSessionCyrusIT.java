package org.mailtidy.imap;

import org.junit.jupiter.api.Tag;
import org.mailtidy.testsupport.Cyrus;
import org.mailtidy.testsupport.MailServer;

/**
 * The session contract on Cyrus IMAP 3.6 (namespace {@code "" "/"} in the tests' setup), whose
 * {@code STORE .SILENT} with {@code UNCHANGEDSINCE} is not silent, and which holds at most 100 keywords a mailbox.
 */
@Tag("cyrus")
class ImapSessionCyrusIT extends ImapSessionContract {
    @Override
    MailServer server() {
        return Cyrus.get();
    }

    /** Cyrus keeps at most 100 user flags per mailbox (interop notes). */
    @Override
    int keywordsPerMailbox() {
        return 100;
    }
}
