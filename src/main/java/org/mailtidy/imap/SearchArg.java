package org.mailtidy.imap;

/** One token of a UID SEARCH program (RFC 3501 section 6.4.4). */
public sealed interface SearchArg {

    /** A search key, number, date or parenthesis, sent as is. */
    record Atom(String text) implements SearchArg {
        public Atom {
            if (text.isEmpty() || text.chars().anyMatch(c -> c <= ' ' || c > '~')) {
                throw new IllegalArgumentException("not an IMAP atom: '" + text + "'");
            }
        }
    }

    /** A string: sent quoted when possible, otherwise as a literal (non-ASCII, CR, LF). */
    record Str(String value) implements SearchArg {
    }

    static Atom atom(String text) {
        return new Atom(text);
    }

    static Str str(String value) {
        return new Str(value);
    }
}
