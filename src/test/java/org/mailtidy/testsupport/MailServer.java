package org.mailtidy.testsupport;

import java.util.List;
import org.mailtidy.imap.ConnectionSettings;

/**
 * A real IMAP server that a contract test runs against: GreenMail in-process, or a private Dovecot,
 * Cyrus or Courier on loopback. The same contract tests take any of them, so what differs between
 * servers is visible in one place (docs/servers.md).
 *
 * <p>Mailbox names are written as the rule file writes them: UTF-8, {@code /} as the separator,
 * relative to the personal namespace ({@code Lists/dev} is {@code INBOX.Lists.dev} on Courier).
 */
public interface MailServer {

    /** A short lower-case name for test display names and state directories: dovecot, cyrus, courier, greenmail. */
    String name();

    /** A fresh user with a unique name, so tests do not see each other's mail. */
    String newUser(String prefix);

    /** How mailtidy logs in as that user (loopback; TLS as this server offers it in tests). */
    ConnectionSettings settings(String user);

    /** Creates a mailbox unless it exists. */
    void createMailbox(String user, String mailbox);

    /** Loads messages, keeping flags, keywords and INTERNALDATE; UIDs follow the list order. */
    void load(String user, String mailbox, List<TestMessage> messages);

    /** Every message of the mailbox: UID, flags (without {@code \Recent}), Message-ID. */
    List<StoredMessage> fetch(String user, String mailbox);

    /** Adds flags to one message as another client would. */
    void addFlags(String user, String mailbox, long uid, String... flags);
}
