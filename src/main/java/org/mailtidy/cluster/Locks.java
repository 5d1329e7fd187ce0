package org.mailtidy.cluster;

/**
 * mailtidy's PostgreSQL advisory locks with two keys (space, lock). Mailbox locks use the
 * one-key form, a key space that PostgreSQL keeps apart from the two-key one.
 */
final class Locks {
    /** "mt" */
    static final int SPACE = 0x6d74;
    static final int SCHEMA = 1;
    static final int CONFIG = 2;

    private Locks() {
    }
}
