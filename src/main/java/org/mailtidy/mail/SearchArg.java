package org.mailtidy.mail;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * One token of a UID SEARCH program (RFC 3501 section 6.4.4): the planner writes programs of them and
 * the IMAP layer sends them. Code that must handle both kinds calls {@link #match}.
 */
public sealed interface SearchArg {

    /** One function per kind; returns what the one for this kind returns. */
    <R> R match(Function<Atom, R> atom, Function<Str, R> str);

    /**
     * A search key, number, date or parenthesis, sent as is. The planner also writes a local
     * criterion's description as one for {@code check}; the IMAP layer refuses to send an atom that
     * is not {@link #isSendable()}.
     */
    record Atom(String text) implements SearchArg {

        @Override
        public <R> R match(Function<Atom, R> atom, Function<Str, R> str) {
            return atom.apply(this);
        }

        public boolean is(String word) {
            return text.equals(word);
        }

        /** Printable ASCII without spaces: what may go on the wire as it is. */
        public boolean isSendable() {
            return !text.isEmpty() && text.chars().allMatch(c -> c > ' ' && c <= '~');
        }
    }

    /** A string: sent quoted when possible, otherwise as a literal (non-ASCII, CR, LF, NUL). */
    record Str(String value) implements SearchArg {
        @Override
        public <R> R match(Function<Atom, R> atom, Function<Str, R> str) {
            return str.apply(this);
        }

        public boolean isAscii() {
            return value.chars().allMatch(ch -> ch < 0x80);
        }

        /** RFC 3501 section 9: a quoted string holds 7-bit characters except CR, LF and NUL. */
        public boolean canBeQuoted() {
            return value.chars().allMatch(ch -> ch < 0x80 && ch != '\r' && ch != '\n' && ch != 0);
        }

        /** The string quoted, with {@code \} and {@code "} escaped (RFC 3501 quoted-specials). */
        public String quoted() {
            return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
        }

        /**
         * The literal form {@code {n}CRLF<value>}, n the UTF-8 byte count (RFC 3501 section 4.3).
         * On the wire the client must wait for a continuation after {@code {n}CRLF} unless the
         * server has LITERAL+; the IMAP layer sends it, this text only shows it.
         */
        public String literal() {
            return "{" + value.getBytes(StandardCharsets.UTF_8).length + "}\r\n" + value;
        }
    }

    static Atom atom(String text) {
        return new Atom(text);
    }

    static Str str(String value) {
        return new Str(value);
    }
}
