package org.mailtidy.testsupport;

import java.io.IOException;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GreenMail made to look like Gmail where mailtidy must tell: every CAPABILITY list gains
 * {@code X-GM-EXT-1} (how Gmail announces its extensions), and the LIST line of
 * {@code [Gmail]/Trash} carries the {@code \Trash} special-use attribute, as Gmail sends it in a
 * plain LIST (RFC 6154). Nothing else of Gmail is imitated: GreenMail's labels are ordinary
 * mailboxes and it has no All Mail, so tests use this only for what mailtidy decides from those two
 * signs. Create the trash mailbox with {@link #createTrash}.
 */
public final class GmailLikeProxy implements AutoCloseable {
    /** The trash as the rule file names it; GreenMail's separator is {@code .}. */
    public static final String TRASH = "[Gmail]/Trash";
    private static final Pattern CAPABILITY = Pattern.compile("(?i)(CAPABILITY IMAP4rev1)");
    private static final Pattern TRASH_LIST = Pattern.compile("(?i)^(\\* LIST \\()([^)]*)(\\) \\S+ \"?\\[Gmail\\].Trash\"?\\r?\\n?)$");

    private static final Pattern UNQUOTED_TRASH = Pattern.compile("(^|[ (])\\[Gmail\\]\\.Trash(?=[ )\r])");

    private final CapabilityFilterProxy proxy;

    private GmailLikeProxy(CapabilityFilterProxy proxy) {
        this.proxy = proxy;
    }

    public static GmailLikeProxy in(GreenMailServer server) throws IOException {
        return new GmailLikeProxy(new CapabilityFilterProxy(server.host(), server.port(), Set.of(),
                GmailLikeProxy::rewrite, line -> UNQUOTED_TRASH.matcher(line).replaceAll("$1\"[Gmail].Trash\"")));
    }

    /** Creates {@code [Gmail]/Trash} for the user. */
    public static void createTrash(GreenMailServer server, String user) {
        server.createMailbox(user, "[Gmail]");
        server.createMailbox(user, "[Gmail].Trash");
    }

    static String rewrite(String line) {
        String out = CAPABILITY.matcher(line).replaceFirst("$1 X-GM-EXT-1");
        Matcher list = TRASH_LIST.matcher(out);
        if (list.matches()) {
            String attrs = list.group(2).isBlank() ? "\\Trash" : list.group(2) + " \\Trash";
            out = list.group(1) + attrs + list.group(3);
        }
        return out;
    }

    public int port() {
        return proxy.port();
    }

    @Override
    public void close() throws IOException {
        proxy.close();
    }
}
