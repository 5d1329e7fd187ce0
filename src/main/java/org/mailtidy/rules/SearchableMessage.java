package org.mailtidy.rules;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A message as IMAP SEARCH sees it, for evaluating criteria without a server ({@link LocalSearch}):
 * header fields unfolded and RFC 2047-decoded, the body's decoded text, INTERNALDATE, the Date:
 * header's own calendar day, RFC822.SIZE and flags.
 *
 * @param fields       every header field in order, names as written
 * @param body         the body as text (transfer encoding and charset decoded)
 * @param internalDate INTERNALDATE
 * @param sentDay      the calendar day the Date: header names, in its own zone; empty when the
 *                     field is missing or not a date
 * @param size         RFC822.SIZE in bytes
 * @param flags        the message's flags ({@code \Recent} left out)
 */
public record SearchableMessage(List<Field> fields, String body, Instant internalDate, Optional<LocalDate> sentDay,
                                long size, Set<Flag> flags) {

    /** One header field: its name as written and its unfolded, decoded value. */
    public record Field(String name, String value) {
        public Field {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }

    public SearchableMessage {
        fields = List.copyOf(fields);
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(internalDate, "internalDate");
        Objects.requireNonNull(sentDay, "sentDay");
        flags = Set.copyOf(flags);
    }

    /** The values of every occurrence of the field (name compared case-insensitively); empty when absent. */
    public List<String> header(String name) {
        List<String> out = new ArrayList<>(1);
        for (Field f : fields) {
            if (f.name().equalsIgnoreCase(name)) {
                out.add(f.value());
            }
        }
        return out;
    }

    /** The same message with other flags (those an earlier rule left, say). */
    public SearchableMessage withFlags(Set<Flag> other) {
        return new SearchableMessage(fields, body, internalDate, sentDay, size, other);
    }
}
