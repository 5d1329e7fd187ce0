package org.mailtidy.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** Flag lists as audit lines and FETCH give them, compared and shown as IMAP means them. */
final class FlagLists {
    private FlagLists() {
    }

    /** Flag lists compared as IMAP does: a set, case-insensitive, {@code \Recent} ignored. */
    static boolean same(List<String> a, List<String> b) {
        return normal(a).equals(normal(b));
    }

    static Set<String> normal(List<String> flags) {
        return flags.stream().map(f -> f.toLowerCase(Locale.ROOT)).filter(f -> !f.equals("\\recent"))
                .collect(Collectors.toSet());
    }

    static List<String> withDeleted(List<String> flags) {
        if (flags.stream().anyMatch("\\Deleted"::equalsIgnoreCase)) {
            return flags;
        }
        List<String> out = new ArrayList<>(flags);
        out.add("\\Deleted");
        return out;
    }

    static String text(List<String> flags) {
        return flags.isEmpty() ? "(none)" : String.join(" ", flags);
    }
}
