package org.mailtidy.imap;

import org.eclipse.angus.mail.imap.protocol.BASE64MailboxDecoder;
import org.eclipse.angus.mail.imap.protocol.BASE64MailboxEncoder;

/**
 * Translates mailbox names between mailtidy's form (UTF-8, {@code /} as separator) and the
 * server's (its own separator; modified UTF-7 on the wire, RFC 3501 section 5.1.3).
 */
final class MailboxNames {
    private MailboxNames() {
    }

    /** The server's name in Unicode (what Angus's {@code getFolder} takes). */
    static String toServer(String name, char separator) {
        String normalized = normalizeInbox(name);
        return separator == '/' ? normalized : normalized.replace('/', separator);
    }

    static String fromServer(String serverName, char separator) {
        String name = separator == '/' ? serverName : serverName.replace(separator, '/');
        return normalizeInbox(name);
    }

    /** Modified UTF-7; the wildcards {@code *} and {@code %} pass through unchanged. */
    static String encode(String serverName) {
        return BASE64MailboxEncoder.encode(serverName);
    }

    static String decode(String wireName) {
        return BASE64MailboxDecoder.decode(wireName);
    }

    /** INBOX is case-insensitive (RFC 3501 section 5.1), also as the first level of a hierarchy. */
    private static String normalizeInbox(String name) {
        if (name.equalsIgnoreCase("INBOX")) {
            return "INBOX";
        }
        if (name.length() > 5 && name.substring(0, 5).equalsIgnoreCase("INBOX") && name.charAt(5) == '/') {
            return "INBOX" + name.substring(5);
        }
        return name;
    }
}
