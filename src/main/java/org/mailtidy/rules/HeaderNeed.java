package org.mailtidy.rules;

import java.util.BitSet;
import java.util.Set;

/**
 * Header fields to fetch ({@code BODY.PEEK[HEADER.FIELDS (...)]}) and for which messages (indexes
 * into the snapshot). Empty when no regex criterion can decide anything.
 */
public record HeaderNeed(BitSet messages, Set<String> fields) {
    public boolean isEmpty() {
        return messages.isEmpty() || fields.isEmpty();
    }
}
