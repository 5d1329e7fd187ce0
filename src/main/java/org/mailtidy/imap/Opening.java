package org.mailtidy.imap;

import java.util.List;

/**
 * What a mailbox run will ask right after it selects the mailbox, told to {@link ImapSession#select(String,
 * boolean, Opening)} so that it goes in the SELECT's flight (docs/adr/0015): the table FETCH from
 * {@code tableFrom} (0: none) and the searches, in the order the run will ask them. A guess: the
 * answers are used only by a request equal to the one written ahead.
 */
public record Opening(long tableFrom, List<SearchRequest> searches) {
    /** Nothing written ahead. */
    public static final Opening NONE = new Opening(0, List.of());

    public Opening {
        if (tableFrom < 0) {
            throw new IllegalArgumentException("UIDs start at 1: " + tableFrom);
        }
        searches = List.copyOf(searches);
    }

    public boolean isEmpty() {
        return tableFrom == 0 && searches.isEmpty();
    }
}
