package org.mailtidy.rules;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * An IMAP SEARCH program as tokens (RFC 3501 section 6.4.4). Strings stay strings so the IMAP
 * layer can send them quoted or as literals; {@link #toString()} gives the wire text.
 *
 * @param utf8 true when some string is not ASCII: send {@code CHARSET UTF-8}
 */
public record SearchProgram(List<Token> tokens, boolean utf8) {

    public SearchProgram {
        tokens = List.copyOf(tokens);
    }

    /** A program whose {@code utf8} flag follows from its strings. */
    public static SearchProgram of(List<Token> tokens) {
        return new SearchProgram(tokens, tokens.stream().anyMatch(t -> t instanceof Str s && !s.isAscii()));
    }

    public sealed interface Token {
    }

    /** A search key, number, date or parenthesis, sent as is. */
    public record Atom(String text) implements Token {
    }

    /** A string argument: quoted if ASCII without CR/LF/NUL, else a literal. */
    public record Str(String value) implements Token {

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

    /**
     * The wire form: quoted strings where RFC 3501 allows them, otherwise literals written as
     * {@code {n}} CRLF and the characters (to show a program to a user, see {@link #display()}).
     */
    @Override
    public String toString() {
        return join(false);
    }

    /** For people ({@code mailtidy check}): every string quoted, non-ASCII characters as they are. */
    public String display() {
        return join(true);
    }

    private String join(boolean forDisplay) {
        StringBuilder sb = new StringBuilder();
        Token previous = null;
        for (Token t : tokens) {
            if (previous != null && !isOpen(previous) && !isClose(t)) {
                sb.append(' ');
            }
            sb.append(text(t, forDisplay));
            previous = t;
        }
        return sb.toString();
    }

    private static String text(Token t, boolean forDisplay) {
        if (t instanceof Str s) {
            return forDisplay || s.canBeQuoted() ? s.quoted() : s.literal();
        }
        return ((Atom) t).text();
    }

    private static boolean isOpen(Token t) {
        return t instanceof Atom a && a.text().equals("(");
    }

    private static boolean isClose(Token t) {
        return t instanceof Atom a && a.text().equals(")");
    }
}
