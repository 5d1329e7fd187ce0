package org.mailtidy.engine;

import java.util.List;
import java.util.regex.Pattern;

/** IMAP LIST wildcards (RFC 3501 section 6.3.8) over UTF-8 names with {@code /} as separator. */
public final class MailboxPatterns {
    private MailboxPatterns() {
    }

    public static boolean isWildcard(String pattern) {
        return pattern.indexOf('*') >= 0 || pattern.indexOf('%') >= 0;
    }

    /** {@code *} matches anything, {@code %} anything but the separator; INBOX is case-insensitive. */
    public static boolean matches(String pattern, String name) {
        if (!isWildcard(pattern)) {
            return sameMailbox(pattern, name);
        }
        StringBuilder re = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            if (c == '*') {
                re.append(".*");
            } else if (c == '%') {
                re.append("[^/]*");
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString()).matcher(canonical(name)).matches()
                || Pattern.compile(re.toString()).matcher(name).matches();
    }

    public static boolean matchesAny(List<String> patterns, String name) {
        return patterns.stream().anyMatch(p -> matches(p, name));
    }

    public static boolean sameMailbox(String a, String b) {
        return canonical(a).equals(canonical(b));
    }

    /** RFC 3501 section 5.1: INBOX is case-insensitive, every other name is not. */
    public static String canonical(String name) {
        if (name.equalsIgnoreCase("INBOX")) {
            return "INBOX";
        }
        if (name.length() > 6 && name.substring(0, 6).equalsIgnoreCase("INBOX/")) {
            return "INBOX/" + name.substring(6);
        }
        return name;
    }
}
