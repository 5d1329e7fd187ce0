package org.mailtidy.engine;

import org.junit.jupiter.api.Tag;
import org.mailtidy.testsupport.Courier;
import org.mailtidy.testsupport.MailServer;

/** The safety contract on Courier-IMAP 5 (no MOVE, no CONDSTORE; namespace {@code "INBOX." "."}). */
@Tag("courier")
class SafetyCourierIT extends SafetyContract {
    @Override
    MailServer server() {
        return Courier.get();
    }
}
