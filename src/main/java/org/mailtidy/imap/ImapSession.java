package org.mailtidy.imap;

import java.util.List;
import java.util.Optional;

/**
 * What an account's runs ask of a logged-in connection: its capabilities, the mailbox list, the
 * destinations a batch creates, and a selected mailbox ({@link MailboxSession}). {@link
 * ImapConnection} speaks it to a server; the engine's fast tests use an in-memory one. Each method
 * means what it does on {@link ImapConnection}.
 */
public interface ImapSession extends AutoCloseable {
    boolean hasCapability(String capability);

    boolean sentDatesInUtc();

    List<String> list(String pattern) throws ImapException;

    Optional<String> specialUse(String attribute) throws ImapException;

    void createIfMissing(String mailbox) throws ImapException;

    void create(String mailbox) throws ImapException;

    long uidNext(String mailbox) throws ImapException;

    MailboxSession select(String mailbox, boolean readOnly) throws ImapException;

    /**
     * The same, told what the run will ask right after (its table FETCH and searches), which a
     * session may send with the SELECT; the answers serve only requests equal to these.
     */
    default MailboxSession select(String mailbox, boolean readOnly, Opening opening) throws ImapException {
        return select(mailbox, readOnly);
    }

    CommandCounter counter();

    boolean isAlive();

    String description();

    /** Closes the selected mailbox without expunging, then logs out. */
    @Override
    void close();
}
