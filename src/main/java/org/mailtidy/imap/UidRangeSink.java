package org.mailtidy.imap;

/**
 * Receives a search result as UID ranges while the response is read, so that a result of a million
 * UIDs never exists as a {@code long[]} or a string.
 */
@FunctionalInterface
interface UidRangeSink {
    /** The UIDs {@code first} to {@code last}, both included, {@code first <= last}. */
    void range(long first, long last);
}
