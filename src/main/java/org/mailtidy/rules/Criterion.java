package org.mailtidy.rules;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The criteria tree of a rule's {@code match}. Every node is an immutable record; code that must
 * handle every kind of node implements {@link Visitor}, so a new kind fails compilation until each
 * visitor handles it.
 */
public sealed interface Criterion {

    <R> R accept(Visitor<R> v);

    /**
     * This node as an AND, for the questions only a conjunction raises (grouping its server-side
     * operands, which operand decided a non-match); empty for every other kind.
     */
    default Optional<And> asAnd() {
        return Optional.empty();
    }

    /** This node as a regex criterion, for collecting those; empty for every other kind. */
    default Optional<HeaderRegex> asRegex() {
        return Optional.empty();
    }

    /** One method per kind of node. */
    interface Visitor<R> {
        R all(All c);

        R and(And c);

        R or(Or c);

        R not(Not c);

        R text(Text c);

        R header(Header c);

        R flag(FlagIs c);

        R age(Age c);

        R receivedDate(ReceivedDate c);

        R sentDate(SentDate c);

        R sentAge(SentAge c);

        R size(Size c);

        R regex(HeaderRegex c);
    }

    /** {@code all_messages: true}: IMAP ALL. */
    record All() implements Criterion {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.all(this);
        }
    }

    /** Every part must hold (a {@code match} mapping, or {@code all: [...]}). */
    record And(List<Criterion> parts) implements Criterion {
        public And {
            parts = List.copyOf(parts);
            if (parts.isEmpty()) {
                throw new IllegalArgumentException("empty AND");
            }
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.and(this);
        }

        @Override
        public Optional<And> asAnd() {
            return Optional.of(this);
        }
    }

    /** At least one part must hold ({@code any: [...]}). */
    record Or(List<Criterion> parts) implements Criterion {
        public Or {
            parts = List.copyOf(parts);
            if (parts.isEmpty()) {
                throw new IllegalArgumentException("empty OR");
            }
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.or(this);
        }
    }

    record Not(Criterion part) implements Criterion {
        public Not {
            Objects.requireNonNull(part);
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.not(this);
        }
    }

    /** The address, subject and text fields searched case-insensitively by the server. */
    enum TextField {
        FROM, TO, CC, BCC, SUBJECT, BODY, TEXT;

        /** The config key and the IMAP search key are the same word. */
        public String imapKey() {
            return name();
        }
    }

    /** {@code from: x}, {@code subject: x}, ...: case-insensitive substring, answered by the server. */
    record Text(TextField field, String value) implements Criterion {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.text(this);
        }
    }

    /** {@code header: {Name: value}}: IMAP HEADER name value (one node per header). */
    record Header(String name, String value) implements Criterion {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.header(this);
        }
    }

    /**
     * {@code seen: true}, {@code keyword: X}, ...: the message has ({@code present}) or lacks the
     * flag. Evaluated on the flags that earlier rules left.
     */
    record FlagIs(Flag flag, boolean present) implements Criterion {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.flag(this);
        }
    }

    /**
     * {@code older_than} ({@code older == true}): INTERNALDATE &lt; now − age; {@code newer_than}:
     * INTERNALDATE ≥ now − age. Exact to the second.
     */
    record Age(Duration age, boolean older) implements Criterion {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.age(this);
        }
    }

    /** Calendar-day comparisons as IMAP defines them. */
    enum DateOp {
        BEFORE, SINCE, ON
    }

    /** {@code received_before/since/on}: IMAP BEFORE / SINCE / ON on the internal date. */
    record ReceivedDate(DateOp op, LocalDate date) implements Criterion {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.receivedDate(this);
        }
    }

    /** {@code sent_before/since/on}: IMAP SENTBEFORE / SENTSINCE / SENTON (Date: header). */
    record SentDate(DateOp op, LocalDate date) implements Criterion {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.sentDate(this);
        }
    }

    /**
     * {@code sent_older_than: Nd} ({@code older == true}): SENTBEFORE today − N days;
     * {@code sent_newer_than: Nd}: SENTSINCE today − N days. "Today" is taken when the run starts.
     */
    record SentAge(int days, boolean older) implements Criterion {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.sentAge(this);
        }
    }

    /** {@code larger} ({@code larger == true}): RFC822.SIZE &gt; bytes; {@code smaller}: &lt; bytes. */
    record Size(long bytes, boolean larger) implements Criterion {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.size(this);
        }
    }

    /**
     * {@code from_regex}, {@code subject_regex}, {@code header_regex}: evaluated by mailtidy with
     * {@code find()} on the unfolded, RFC 2047-decoded value of each occurrence of the header.
     */
    record HeaderRegex(String header, Pattern pattern) implements Criterion {
        /**
         * How a header's values reach the pattern: unfolded, RFC 2047-decoded and stripped (see
         * imap HeaderFields), each occurrence tried, absent means no match. Raise it when any of
         * that changes, so that outcomes cached under the old meaning are no longer found.
         */
        static final int VALUE_READING = 1;

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.regex(this);
        }

        @Override
        public Optional<HeaderRegex> asRegex() {
            return Optional.of(this);
        }

        /**
         * What identifies this criterion's outcome for a message, for a cache kept between runs:
         * the header name (case-insensitive), the pattern's source and flags, and {@link #VALUE_READING}.
         */
        public String cacheKey() {
            return "regex/" + VALUE_READING + " flags=" + pattern.flags() + " " + header.toLowerCase(java.util.Locale.ROOT)
                    + ": " + pattern.pattern();
        }

        // Pattern has identity equality; two nodes with the same source and flags are the same criterion.
        @Override
        public boolean equals(Object o) {
            return o instanceof HeaderRegex h && h.header.equalsIgnoreCase(header)
                    && h.pattern.pattern().equals(pattern.pattern()) && h.pattern.flags() == pattern.flags();
        }

        @Override
        public int hashCode() {
            return Objects.hash(header.toLowerCase(java.util.Locale.ROOT), pattern.pattern(), pattern.flags());
        }

        @Override
        public String toString() {
            return "HeaderRegex[" + header + ", /" + pattern.pattern() + "/]";
        }
    }
}
