package org.mailtidy.imap;

import org.mailtidy.testsupport.GreenMailServer;
import org.mailtidy.testsupport.MailServer;

/**
 * The session contract on GreenMail 2.1 (in-process, one per class): UIDPLUS and MOVE but no
 * CONDSTORE; its FROM/TO search compares whole addresses and its ON never matches.
 */
class ImapSessionGreenMailTest extends ImapSessionContract {
    private static final GreenMailServer greenMail = GreenMailServer.shared();

    @Override
    MailServer server() {
        return greenMail;
    }

    @Override
    boolean hasCondstore() {
        return false;
    }

    @Override
    boolean fromMatchesSubstrings() {
        return false;
    }

    @Override
    boolean onMatches() {
        return false;
    }

    /** No NAMESPACE; the separator is {@code .}. */
    @Override
    String serverName(String mailbox) {
        return mailbox.replace('/', '.');
    }
}
