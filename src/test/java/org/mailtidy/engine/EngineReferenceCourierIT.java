package org.mailtidy.engine;

import org.mailtidy.testsupport.Courier;
import org.mailtidy.testsupport.MailServer;
import org.junit.jupiter.api.Tag;

/**
 * The reference scenario ({@link EngineReferenceContract}) on the private Courier-IMAP 5: no MOVE,
 * CONDSTORE, ESEARCH, LITERAL+ or SPECIAL-USE, namespace {@code "INBOX." "."}, and a text SEARCH
 * that reads every message file.
 */
@Tag("courier")
class EngineReferenceCourierIT extends EngineReferenceContract {
    @Override
    MailServer server() {
        return Courier.get();
    }
}
