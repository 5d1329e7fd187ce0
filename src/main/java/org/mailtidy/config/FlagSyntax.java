package org.mailtidy.config;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.mailtidy.rules.Flag;
import org.mailtidy.rules.SystemFlag;

/** Reads a flag as written in {@code add_flags}, {@code keyword} and the like. */
final class FlagSyntax {

    private static final List<String> SYSTEM_NAMES =
            Arrays.stream(SystemFlag.values()).map(SystemFlag::imapName).toList();
    private static final String RECENT_IS_READ_ONLY =
            "\\Recent cannot be set or removed by a client (RFC 3501 section 2.3.2)";

    private FlagSyntax() {
    }

    /** A system flag (canonical spelling) or a keyword. */
    static Flag flag(String text) throws BadValue {
        if (text.startsWith("\\")) {
            return systemFlag(text);
        }
        return keyword(text);
    }

    /** A keyword only: what {@code keyword:} criteria take. */
    static Flag keyword(String text) throws BadValue {
        if (text.isEmpty()) {
            throw new BadValue("expected a flag, got an empty string");
        }
        if (text.startsWith("\\")) {
            String bare = text.substring(1).toLowerCase(java.util.Locale.ROOT);
            throw new BadValue(text + " is a system flag, not a keyword; test it with " + bare + ": true");
        }
        if (text.equalsIgnoreCase("recent")) {
            throw new BadValue(Text.quote(text) + " would be a keyword, not the system flag; " + RECENT_IS_READ_ONLY);
        }
        Optional<SystemFlag> system = SystemFlag.byBareName(text);
        if (system.isPresent()) {
            throw new BadValue(Text.quote(text) + " would be a keyword, not the system flag; did you mean "
                    + Text.quote(system.get().imapName()) + "?");
        }
        checkAtom(text);
        return Flag.of(text);
    }

    private static Flag systemFlag(String text) throws BadValue {
        if (text.equalsIgnoreCase("\\Recent")) {
            throw new BadValue(RECENT_IS_READ_ONLY);
        }
        Optional<SystemFlag> system = SystemFlag.byImapName(text);
        if (system.isPresent()) {
            return system.get().flag();
        }
        String hint = DidYouMean.closest(text, SYSTEM_NAMES)
                .map(c -> "did you mean " + Text.quote(c) + "?")
                .orElse("the system flags are " + String.join(" ", SYSTEM_NAMES));
        throw new BadValue("unknown system flag " + Text.quote(text) + "; " + hint);
    }

    /** RFC 3501 section 9: {@code atom = 1*ATOM-CHAR}, excluding atom-specials and {@code ]}. */
    private static void checkAtom(String text) throws BadValue {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String bad = describeIfNotAtomChar(c);
            if (bad != null) {
                throw new BadValue("keyword " + Text.quote(text) + " contains " + bad
                        + ", which an IMAP keyword cannot contain (RFC 3501 atom)");
            }
        }
    }

    private static String describeIfNotAtomChar(char c) {
        if (c == ' ') {
            return "a space";
        }
        if (c < 0x20 || c == 0x7f) {
            return "a control character";
        }
        if (c > 0x7f) {
            return "the non-ASCII character " + Text.quote(String.valueOf(c));
        }
        if ("(){%*\"\\]".indexOf(c) >= 0) {
            return Text.quote(String.valueOf(c));
        }
        return null;
    }
}
