package org.mailtidy.rules;

import java.util.Locale;
import java.util.Optional;

/** The system flags a client may set (RFC 3501 section 2.3.2); {@code \Recent} is deliberately absent. */
public enum SystemFlag {
    SEEN("\\Seen"), ANSWERED("\\Answered"), FLAGGED("\\Flagged"), DELETED("\\Deleted"), DRAFT("\\Draft");

    private final String imapName;

    SystemFlag(String imapName) {
        this.imapName = imapName;
    }

    public String imapName() {
        return imapName;
    }

    public Flag flag() {
        return new Flag(imapName);
    }

    /** Finds a system flag by its IMAP name ({@code \Seen}), case-insensitively. */
    public static Optional<SystemFlag> byImapName(String name) {
        for (SystemFlag f : values()) {
            if (f.imapName.equalsIgnoreCase(name)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** Finds a system flag by its bare word ({@code seen}), case-insensitively. */
    public static Optional<SystemFlag> byBareName(String word) {
        return byImapName("\\" + word.toLowerCase(Locale.ROOT));
    }
}
