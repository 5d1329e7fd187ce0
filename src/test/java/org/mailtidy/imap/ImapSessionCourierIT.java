package org.mailtidy.imap;

import org.junit.jupiter.api.Tag;
import org.mailtidy.testsupport.Courier;
import org.mailtidy.testsupport.MailServer;

/**
 * The session contract on Courier-IMAP 5: no MOVE (the fallback is tested instead) and no CONDSTORE
 * (stores are unconditional), no UIDNEXT at SELECT; the personal namespace is {@code "INBOX." "."}.
 */
@Tag("courier")
class ImapSessionCourierIT extends ImapSessionContract {
    @Override
    MailServer server() {
        return Courier.get();
    }

    @Override
    boolean hasCondstore() {
        return false;
    }

    @Override
    boolean hasMove() {
        return false;
    }

    /** Courier 5 leaves {@code [UIDNEXT n]} out of SELECT and EXAMINE; STATUS gives it. */
    @Override
    boolean reportsUidNextOnSelect() {
        return false;
    }

    @Override
    String serverName(String mailbox) {
        return Courier.serverName(mailbox);
    }
}
