package org.mailtidy.testsupport;

import com.icegreen.greenmail.imap.ImapHostManager;
import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Flags;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.mailtidy.imap.ConnectionSettings;

/**
 * An in-process GreenMail 2.1.12 IMAP server on a free loopback port. Mailbox names here are
 * GreenMail's own ({@code .} separates levels).
 */
public final class GreenMailServer implements AutoCloseable, MailServer {
    private static final AtomicInteger USERS = new AtomicInteger();
    private final GreenMail greenMail;

    private GreenMailServer(GreenMail greenMail) {
        this.greenMail = greenMail;
    }

    private static GreenMailServer shared;

    /**
     * One server per test JVM, stopped when it exits, for tests that each work with users of their
     * own ({@link #newUser}); {@link #start} for a server a test may stop.
     */
    public static synchronized GreenMailServer shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "greenmail-stop"));
        }
        return shared;
    }

    public static GreenMailServer start() {
        GreenMail gm = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP));
        gm.start();
        return new GreenMailServer(gm);
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return greenMail.getImap().getPort();
    }

    public void addUser(String login, String password) {
        greenMail.setUser(login + "@example.org", login, password);
    }

    /** A fresh user with a unique name; returns the login (password "secret-" + login). */
    @Override
    public String newUser(String prefix) {
        String login = prefix + "-" + USERS.incrementAndGet();
        addUser(login, password(login));
        return login;
    }

    public static String password(String login) {
        return "secret-" + login;
    }

    @Override
    public String name() {
        return "greenmail";
    }

    @Override
    public void load(String login, String mailbox, List<TestMessage> messages) {
        if (!mailbox.equalsIgnoreCase("INBOX")) {
            createMailbox(login, mailbox);
        }
        appendAll(login, mailbox, messages);
    }

    @Override
    public ConnectionSettings settings(String login) {
        return ConnectionSettings.login(host(), port(), ConnectionSettings.Security.NONE, login, password(login));
    }

    @Override
    public void createMailbox(String login, String mailbox) {
        try {
            hosts().createMailbox(user(login), mailbox);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create " + mailbox, e);
        }
    }

    /** Appends with flags and INTERNALDATE as given; returns the UID. */
    public long append(String login, String mailbox, TestMessage message) {
        try {
            MimeMessage mime = new MimeMessage(Session.getInstance(new Properties()),
                    new ByteArrayInputStream(message.toBytes()));
            return folder(login, mailbox).appendMessage(mime, toFlags(message.flags()),
                    Date.from(message.internalDate()));
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    public List<Long> appendAll(String login, String mailbox, List<TestMessage> messages) {
        List<Long> uids = new ArrayList<>();
        for (TestMessage m : messages) {
            uids.add(append(login, mailbox, m));
        }
        return uids;
    }

    @Override
    public List<StoredMessage> fetch(String login, String mailbox) {
        List<StoredMessage> out = new ArrayList<>();
        for (com.icegreen.greenmail.store.StoredMessage m : folder(login, mailbox).getMessages()) {
            try {
                out.add(new StoredMessage(m.getUid(), names(m.getFlags()), m.getMimeMessage().getMessageID()));
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    /** Sets flags as another client would. */
    @Override
    public void addFlags(String login, String mailbox, long uid, String... flags) {
        try {
            folder(login, mailbox).setFlags(toFlags(Set.of(flags)), true, uid, null, true);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        greenMail.stop();
    }

    private MailFolder folder(String login, String mailbox) {
        MailFolder folder = hosts().getFolder(user(login), mailbox);
        if (folder == null) {
            throw new IllegalArgumentException("no mailbox " + mailbox + " for " + login);
        }
        return folder;
    }

    private ImapHostManager hosts() {
        return greenMail.getManagers().getImapHostManager();
    }

    private GreenMailUser user(String login) {
        GreenMailUser u = greenMail.getUserManager().getUser(login);
        if (u == null) {
            throw new IllegalArgumentException("no user " + login);
        }
        return u;
    }

    static Flags toFlags(Set<String> names) {
        Flags flags = new Flags();
        for (String name : names) {
            switch (name.toLowerCase(java.util.Locale.ROOT)) {
                case "\\seen" -> flags.add(Flags.Flag.SEEN);
                case "\\answered" -> flags.add(Flags.Flag.ANSWERED);
                case "\\flagged" -> flags.add(Flags.Flag.FLAGGED);
                case "\\deleted" -> flags.add(Flags.Flag.DELETED);
                case "\\draft" -> flags.add(Flags.Flag.DRAFT);
                default -> flags.add(name);
            }
        }
        return flags;
    }

    static Set<String> names(Flags flags) {
        Set<String> out = new HashSet<>(List.of(flags.getUserFlags()));
        if (flags.contains(Flags.Flag.SEEN)) {
            out.add("\\Seen");
        }
        if (flags.contains(Flags.Flag.ANSWERED)) {
            out.add("\\Answered");
        }
        if (flags.contains(Flags.Flag.FLAGGED)) {
            out.add("\\Flagged");
        }
        if (flags.contains(Flags.Flag.DELETED)) {
            out.add("\\Deleted");
        }
        if (flags.contains(Flags.Flag.DRAFT)) {
            out.add("\\Draft");
        }
        return out;
    }
}
