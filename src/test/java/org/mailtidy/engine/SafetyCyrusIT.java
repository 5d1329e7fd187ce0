package org.mailtidy.engine;

import org.mailtidy.testsupport.Cyrus;
import org.mailtidy.testsupport.MailServer;
import org.junit.jupiter.api.Tag;

/** The safety contract on Cyrus IMAP 3.6. */
@Tag("cyrus")
class SafetyCyrusIT extends SafetyContract {
    @Override
    MailServer server() {
        return Cyrus.get();
    }
}
