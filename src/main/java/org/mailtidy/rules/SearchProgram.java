package org.mailtidy.rules;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mailtidy.mail.SearchArg;

/**
 * An IMAP SEARCH program as tokens (RFC 3501 section 6.4.4). Strings stay strings so the IMAP
 * layer can send them quoted or as literals; {@link #toString()} gives the wire text.
 *
 * @param utf8 true when some string is not ASCII: send {@code CHARSET UTF-8}
 */
public record SearchProgram(List<SearchArg> tokens, boolean utf8) {

    public SearchProgram {
        tokens = List.copyOf(tokens);
    }

    /** A program whose {@code utf8} flag follows from its strings. */
    public static SearchProgram of(List<SearchArg> tokens) {
        return new SearchProgram(tokens, tokens.stream().anyMatch(t -> t.match(a -> false, s -> !s.isAscii())));
    }

    /**
     * Search keys whose answer for a message depends only on its content, INTERNALDATE and size,
     * which never change (RFC 3501 section 2.3), mapped to the number of arguments they take.
     * A whitelist: flag keys change with the flags, RFC 5032 OLDER/YOUNGER with the time of the
     * search, UID/MODSEQ keys with the mailbox; a key not named here is assumed to change.
     */
    private static final Map<String, Integer> IMMUTABLE_KEYS = Map.ofEntries(
            Map.entry("ALL", 0), Map.entry("NOT", 0), Map.entry("OR", 0), Map.entry("(", 0), Map.entry(")", 0),
            Map.entry("FROM", 1), Map.entry("TO", 1), Map.entry("CC", 1), Map.entry("BCC", 1),
            Map.entry("SUBJECT", 1), Map.entry("BODY", 1), Map.entry("TEXT", 1), Map.entry("HEADER", 2),
            Map.entry("LARGER", 1), Map.entry("SMALLER", 1), Map.entry("BEFORE", 1), Map.entry("SINCE", 1),
            Map.entry("ON", 1), Map.entry("SENTBEFORE", 1), Map.entry("SENTSINCE", 1), Map.entry("SENTON", 1),
            Map.entry("CHARSET", 1));

    /**
     * True when the program's answer for a message can never change, so a result once found may be
     * kept between runs and only new messages need searching. Decided by a whitelist of keys.
     */
    public boolean isImmutable() {
        int i = 0;
        while (i < tokens.size()) {
            // a string where a key belongs: not a program we understand
            Integer arguments = tokens.get(i).match(key -> IMMUTABLE_KEYS.get(key.text().toUpperCase(Locale.ROOT)),
                    s -> null);
            if (arguments == null || i + arguments >= tokens.size()) {
                return false;
            }
            i += 1 + arguments;
        }
        return true;
    }

    /**
     * What identifies the program's answer: its exact wire text and whether it is sent with
     * {@code CHARSET UTF-8}. Day-relative criteria render another date each day, so their key
     * changes by itself.
     */
    public String cacheKey() {
        return (utf8 ? "CHARSET UTF-8 " : "") + this;
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
        SearchArg previous = null;
        for (SearchArg t : tokens) {
            if (previous != null && !isOpen(previous) && !isClose(t)) {
                sb.append(' ');
            }
            sb.append(text(t, forDisplay));
            previous = t;
        }
        return sb.toString();
    }

    private static String text(SearchArg t, boolean forDisplay) {
        return t.match(SearchArg.Atom::text, s -> forDisplay || s.canBeQuoted() ? s.quoted() : s.literal());
    }

    private static boolean isOpen(SearchArg t) {
        return t.match(a -> a.is("("), s -> false);
    }

    private static boolean isClose(SearchArg t) {
        return t.match(a -> a.is(")"), s -> false);
    }
}
