package org.mailtidy.rules;

import java.util.List;

/**
 * An IMAP SEARCH program as tokens (RFC 3501 section 6.4.4). Strings stay strings so the IMAP
 * layer can send them quoted or as literals; {@link #toString()} gives the text as shown to users.
 *
 * @param utf8 true when some string is not ASCII: send {@code CHARSET UTF-8}
 */
public record SearchProgram(List<Token> tokens, boolean utf8) {

    public SearchProgram {
        tokens = List.copyOf(tokens);
    }

    public sealed interface Token {
    }

    /** A search key, number, date or parenthesis, sent as is. */
    record Atom(String text) implements Token {
    }

    /** A string argument: quoted if ASCII without CR/LF, else a literal. */
    record Str(String value) implements Token {
    }

    /** The wire form, with a literal {@code {n}} marker for non-ASCII strings. */
    @Override
    public String toString() {
        throw new UnsupportedOperationException("TODO");
    }
}
