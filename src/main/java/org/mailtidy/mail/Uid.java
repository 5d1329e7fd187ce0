package org.mailtidy.mail;

/**
 * One message's UID (RFC 3501 section 2.3.1.1: an unsigned 32-bit {@code nz-number}), where a bare
 * {@code long} could be mistaken for a count, a modseq or a UIDVALIDITY.
 */
public record Uid(long value) implements Comparable<Uid> {
    public static final long MAX = 0xFFFF_FFFFL;

    public Uid {
        if (value < 1 || value > MAX) {
            throw new IllegalArgumentException("a UID must be in 1.." + MAX + " (RFC 3501 nz-number): " + value);
        }
    }

    public static Uid of(long value) {
        return new Uid(value);
    }

    @Override
    public int compareTo(Uid o) {
        return Long.compare(value, o.value);
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
