package org.mailtidy.testsupport;

import java.util.List;
import org.mailtidy.imap.ConnectionSettings;

/**
 * What the Courier and Mailutils fixtures share: a server on loopback that takes a plain LOGIN,
 * reached through {@link RawImap}, whose mailbox names are the tests' names mapped by
 * {@link #wireName}.
 */
public abstract class RawImapFixture implements MailServer {
    private final int port;

    RawImapFixture(int port) {
        this.port = port;
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    /** Every user's password on this server. */
    abstract String passwordOf(String user);

    /** The server's name of a test mailbox name. */
    String wireName(String mailbox) {
        return mailbox;
    }

    @Override
    public ConnectionSettings settings(String user) {
        return ConnectionSettings.login(host(), port, ConnectionSettings.Security.NONE, user, passwordOf(user));
    }

    @Override
    public void createMailbox(String user, String mailbox) {
        if (mailbox.equalsIgnoreCase("INBOX")) {
            return;
        }
        try (RawImap c = login(user)) {
            String name = RawImap.quote(wireName(mailbox));
            if (c.command("LIST \"\" " + name).isEmpty()) {
                c.command("CREATE " + name);
            }
        }
    }

    @Override
    public List<StoredMessage> fetch(String user, String mailbox) {
        try (RawImap c = login(user)) {
            return c.fetchAll(RawImap.quote(wireName(mailbox)));
        }
    }

    @Override
    public void addFlags(String user, String mailbox, long uid, String... flags) {
        try (RawImap c = login(user)) {
            c.command("SELECT " + RawImap.quote(wireName(mailbox)));
            c.command("UID STORE " + uid + " +FLAGS.SILENT (" + String.join(" ", flags) + ")");
        }
    }

    RawImap login(String user) {
        return RawImap.login(host(), port, user, passwordOf(user));
    }
}
