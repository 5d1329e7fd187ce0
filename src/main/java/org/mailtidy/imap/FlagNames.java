package org.mailtidy.imap;

import jakarta.mail.Flags;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Flags as IMAP spells them ({@code \Seen}, {@code $Junk}); {@code \Recent} is left out. */
final class FlagNames {
    /** RFC 3501 section 9: {@code flag-keyword = atom}, system flags {@code "\" atom}. */
    private static final Pattern FLAG = Pattern.compile("\\\\?[!#$&'+\\-.0-9:;<=>?@A-Z\\[^_`a-z|~]+");

    private FlagNames() {
    }

    /** System flags first in a fixed order, then keywords sorted. */
    static List<String> of(Flags flags, boolean includeAnyKeyword) {
        List<String> names = new ArrayList<>();
        if (flags.contains(Flags.Flag.ANSWERED)) {
            names.add("\\Answered");
        }
        if (flags.contains(Flags.Flag.DELETED)) {
            names.add("\\Deleted");
        }
        if (flags.contains(Flags.Flag.DRAFT)) {
            names.add("\\Draft");
        }
        if (flags.contains(Flags.Flag.FLAGGED)) {
            names.add("\\Flagged");
        }
        if (flags.contains(Flags.Flag.SEEN)) {
            names.add("\\Seen");
        }
        if (includeAnyKeyword && flags.contains(Flags.Flag.USER)) {
            names.add("\\*");
        }
        List<String> keywords = new ArrayList<>(List.of(flags.getUserFlags()));
        keywords.sort(null);
        names.addAll(keywords);
        return List.copyOf(names);
    }

    /** The parenthesised flag list of a STORE; rejects what is not a flag, and {@code \Recent}. */
    static String list(Iterable<String> flags) {
        StringBuilder sb = new StringBuilder("(");
        for (String flag : flags) {
            if (!FLAG.matcher(flag).matches() || flag.toLowerCase(Locale.ROOT).equals("\\recent")) {
                throw new IllegalArgumentException("not a flag that can be stored: '" + flag + "'");
            }
            if (sb.length() > 1) {
                sb.append(' ');
            }
            sb.append(flag);
        }
        return sb.append(')').toString();
    }
}
