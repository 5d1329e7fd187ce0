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

    /** The server's name in Unicode (what Angus's {@code getFolder} takes), without a namespace prefix. */
    static String toServer(String name, char separator) {
        return toServer(name, PersonalNamespace.none(separator));
    }

    /**
     * The server's name in Unicode of a name (or LIST pattern) relative to the personal namespace:
     * {@code Lists/dev} is {@code INBOX.Lists.dev} under {@code "INBOX." "."}; {@code INBOX} and a
     * name already written with the prefix ({@code INBOX/Lists/dev}) are taken as they are.
     */
    static String toServer(String name, PersonalNamespace namespace) {
        String normalized = normalizeInbox(name);
        if (normalized.equals("INBOX")) {
            return normalized;
        }
        String relative = writtenWithPrefix(normalized, namespace)
                ? normalized.substring(namespace.prefixWithSlashes().length()) : normalized;
        char separator = namespace.separator();
        return namespace.prefix() + (separator == '/' ? relative : relative.replace('/', separator));
    }

    static String fromServer(String serverName, char separator) {
        return fromServer(serverName, PersonalNamespace.none(separator), true);
    }

    /**
     * mailtidy's name for a server's name: {@code /} as separator, and, unless {@code keepPrefix},
     * relative to the personal namespace ({@code INBOX.Lists.dev} is {@code Lists/dev}).
     */
    static String fromServer(String serverName, PersonalNamespace namespace, boolean keepPrefix) {
        if (serverName.equalsIgnoreCase("INBOX")) {
            return "INBOX";
        }
        String prefix = namespace.prefix();
        boolean strip = !keepPrefix && !prefix.isEmpty() && serverName.length() > prefix.length()
                && serverName.regionMatches(true, 0, prefix, 0, prefix.length());
        String name = strip ? serverName.substring(prefix.length()) : serverName;
        char separator = namespace.separator();
        return normalizeInbox(separator == '/' ? name : name.replace(separator, '/'));
    }

    /** Whether a name in mailtidy's form already starts with the (non-empty) personal prefix. */
    static boolean writtenWithPrefix(String name, PersonalNamespace namespace) {
        String prefix = namespace.prefixWithSlashes();
        return !prefix.isEmpty() && normalizeInbox(name).startsWith(normalizeInbox(prefix));
    }

    /** LIST wildcard matching (RFC 3501 section 6.3.8) of a pattern in mailtidy's form against a name. */
    static boolean matches(String pattern, String name) {
        StringBuilder re = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            re.append(c == '*' ? ".*" : c == '%' ? "[^/]*" : java.util.regex.Pattern.quote(String.valueOf(c)));
        }
        return name.matches(re.toString());
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
