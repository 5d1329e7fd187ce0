package org.mailtidy.engine;

import org.mailtidy.testsupport.Cyrus;
import org.mailtidy.testsupport.MailServer;
import org.junit.jupiter.api.Tag;

/** The reference contract on Cyrus IMAP 3.6, which answers every criterion as RFC 3501 says. */
@Tag("cyrus")
class EngineReferenceCyrusIT extends EngineReferenceContract {
    @Override
    MailServer server() {
        return Cyrus.get();
    }
}
