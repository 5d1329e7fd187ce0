package org.mailtidy.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.mailtidy.rules.Flag;

/**
 * One entry of {@code tests:}: a message, where it is, and what the rules must do to it. {@code check}
 * runs it through the planner without connecting.
 *
 * @param line 1-based line of the entry in the file, for messages
 */
public record Example(String name, String account, String mailbox, Message message, Expectation expect, int line) {

    public Example {
        Objects.requireNonNull(name);
        Objects.requireNonNull(account);
        Objects.requireNonNull(mailbox);
        Objects.requireNonNull(message);
        Objects.requireNonNull(expect);
    }

    /**
     * The example's message. Absent header fields are absent from it.
     *
     * @param headers other header fields, name to value, in file order
     * @param sent    the Date: header; empty: the same as {@code received}
     * @param size    RFC822.SIZE (default 2KB)
     */
    public record Message(Optional<String> from, Optional<String> to, Optional<String> cc, Optional<String> subject,
                          Map<String, String> headers, Set<Flag> flags, ExampleTime received,
                          Optional<ExampleTime> sent, long size, String body) {
        public static final long DEFAULT_SIZE = 2048;

        public Message {
            headers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(headers));
            flags = Set.copyOf(flags);
        }
    }

    /** What happens to the message itself. */
    public enum Result {
        KEPT, DELETED, TRASHED, MOVED;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * @param rules    exactly the rules that match, in order; empty: not checked
     * @param movedTo  with {@link Result#MOVED}: the destination
     * @param flags    the final flags exactly; empty: not checked
     * @param copiedTo the mailboxes it is copied to; empty: not checked
     */
    public record Expectation(Optional<List<String>> rules, Result result, Optional<String> movedTo,
                              Optional<Set<Flag>> flags, Optional<List<String>> copiedTo) {
        public Expectation {
            rules = rules.map(List::copyOf);
            flags = flags.map(Set::copyOf);
            copiedTo = copiedTo.map(List::copyOf);
        }
    }
}
