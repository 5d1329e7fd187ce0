package org.mailtidy.rules;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A message of the in-memory mailbox the tests compare against ({@link MemoryMailbox}): headers
 * (names as written, looked up case-insensitively), body, internal date, the Date: header's day,
 * size and flags. A message to put on a real server is a {@code testsupport.TestMessage}.
 */
public record MemoryMessage(long uid, Map<String, List<String>> headers, String body, long internalDate,
                            LocalDate sentDay, long size, Set<Flag> flags) {

    public MemoryMessage {
        headers = Map.copyOf(headers);
        flags = Set.copyOf(flags);
    }

    /** Every occurrence's value; empty when the field is absent. */
    List<String> header(String name) {
        return headers.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name))
                .flatMap(e -> e.getValue().stream())
                .toList();
    }
}
