package org.mailtidy.imap;

import org.junit.jupiter.api.Tag;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.MailServer;

/** The session contract on the private Dovecot 2.3: every extension the session uses; separator {@code .}. */
@Tag("dovecot")
class ImapSessionDovecotIT extends ImapSessionContract {
    @Override
    MailServer server() {
        return Dovecot.get();
    }

    /** The fixture keeps Dovecot's default separator {@code .} (namespace {@code "" "."}). */
    @Override
    String serverName(String mailbox) {
        return mailbox.replace('/', '.');
    }
}
