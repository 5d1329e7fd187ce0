package org.mailtidy.rules;

import java.util.Objects;

/**
 * A message flag as IMAP names it: a system flag ({@code \Seen}) in its canonical spelling, or a
 * keyword atom ({@code $Junk}). Construct through {@link #of(String)} so system flags compare equal
 * whatever their case on the wire.
 */
public record Flag(String name) implements Comparable<Flag> {

    public static final Flag SEEN = SystemFlag.SEEN.flag();
    public static final Flag ANSWERED = SystemFlag.ANSWERED.flag();
    public static final Flag FLAGGED = SystemFlag.FLAGGED.flag();
    public static final Flag DELETED = SystemFlag.DELETED.flag();
    public static final Flag DRAFT = SystemFlag.DRAFT.flag();
    /** Only ever read from a server, never set: RFC 3501 forbids clients to change it. */
    public static final Flag RECENT = new Flag("\\Recent");

    public Flag {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty flag name");
        }
    }

    /** Canonicalises system flag spelling ({@code \SEEN} becomes {@code \Seen}). */
    public static Flag of(String name) {
        if (name.startsWith("\\")) {
            if (name.equalsIgnoreCase("\\Recent")) {
                return RECENT;
            }
            return SystemFlag.byImapName(name).map(SystemFlag::flag).orElse(new Flag(name));
        }
        return new Flag(name);
    }

    public boolean isSystem() {
        return name.startsWith("\\");
    }

    @Override
    public int compareTo(Flag o) {
        return name.compareTo(o.name);
    }

    @Override
    public String toString() {
        return name;
    }
}
