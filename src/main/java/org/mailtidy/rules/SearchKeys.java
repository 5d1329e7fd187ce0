package org.mailtidy.rules;

import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import org.mailtidy.mail.SearchArg;

/** Appends the IMAP search keys of a criterion to a token list (RFC 3501 section 6.4.4). */
final class SearchKeys implements Criterion.Visitor<Void> {

    private final List<SearchArg> out;
    private final LocalDate today;
    /** When false, only server-side criteria are allowed; when true, local ones are shown too. */
    private final boolean describeLocal;

    SearchKeys(List<SearchArg> out, LocalDate today, boolean describeLocal) {
        this.out = out;
        this.today = today;
        this.describeLocal = describeLocal;
    }

    @Override
    public Void all(Criterion.All c) {
        return atoms("ALL");
    }

    @Override
    public Void and(Criterion.And c) {
        c.parts().forEach(p -> p.accept(this));
        return null;
    }

    /** OR takes exactly two keys, so n operands nest to the right: {@code OR a OR b c}. */
    @Override
    public Void or(Criterion.Or c) {
        List<Criterion> parts = c.parts();
        for (int i = 0; i < parts.size() - 1; i++) {
            atoms("OR");
            operand(parts.get(i));
        }
        operand(parts.get(parts.size() - 1));
        return null;
    }

    @Override
    public Void not(Criterion.Not c) {
        atoms("NOT");
        operand(c.part());
        return null;
    }

    @Override
    public Void text(Criterion.Text c) {
        atoms(c.field().imapKey());
        return string(c.value());
    }

    @Override
    public Void header(Criterion.Header c) {
        atoms("HEADER");
        if (isAtom(c.name())) {
            atoms(c.name());
        } else {
            string(c.name());
        }
        return string(c.value());
    }

    @Override
    public Void flag(Criterion.FlagIs c) {
        requireDescribing(c);
        SystemFlag system = SystemFlag.byImapName(c.flag().name()).orElse(null);
        if (system != null) {
            String word = system.name();
            return atoms(c.present() ? word : "UN" + word);
        }
        if (c.flag().equals(Flag.RECENT)) {
            return atoms(c.present() ? "RECENT" : "OLD");
        }
        return atoms(c.present() ? "KEYWORD" : "UNKEYWORD", c.flag().name());
    }

    /** RFC 5032: OLDER n holds when INTERNALDATE is more than n seconds ago, YOUNGER n when within. */
    @Override
    public Void age(Criterion.Age c) {
        requireDescribing(c);
        return atoms(c.older() ? "OLDER" : "YOUNGER", Long.toString(c.age().getSeconds()));
    }

    @Override
    public Void receivedDate(Criterion.ReceivedDate c) {
        return atoms(c.op().name(), ImapDates.format(c.date()));
    }

    @Override
    public Void sentDate(Criterion.SentDate c) {
        return atoms("SENT" + c.op().name(), ImapDates.format(c.date()));
    }

    @Override
    public Void sentAge(Criterion.SentAge c) {
        return atoms(c.older() ? "SENTBEFORE" : "SENTSINCE", ImapDates.format(today.minusDays(c.days())));
    }

    @Override
    public Void size(Criterion.Size c) {
        requireDescribing(c);
        return atoms(c.larger() ? "LARGER" : "SMALLER", Long.toString(c.bytes()));
    }

    @Override
    public Void regex(Criterion.HeaderRegex c) {
        requireDescribing(c);
        return atoms("[client: " + c.header() + " =~ /" + c.pattern().pattern() + "/]");
    }

    /** An operand of OR or NOT is a single search key, so a group of several keys needs parentheses. */
    private void operand(Criterion c) {
        if (isGroup(c)) {
            atoms("(");
            c.accept(this);
            atoms(")");
        } else {
            c.accept(this);
        }
    }

    private static boolean isGroup(Criterion c) {
        return c.asAnd().filter(a -> a.parts().size() > 1 || isGroup(a.parts().get(0))).isPresent();
    }

    private void requireDescribing(Criterion c) {
        if (!describeLocal) {
            throw new IllegalArgumentException("not a criterion the server answers: " + c);
        }
    }

    private Void atoms(String... texts) {
        for (String t : texts) {
            out.add(new SearchArg.Atom(t));
        }
        return null;
    }

    private Void string(String value) {
        out.add(new SearchArg.Str(value));
        return null;
    }

    /** RFC 3501 section 9: an atom has no atom-specials (parentheses, braces, space, controls, %, *, quotes, \, ]). */
    private static boolean isAtom(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (char ch : s.toCharArray()) {
            if (ch <= 0x20 || ch >= 0x7f || "(){%*\"\\]".indexOf(ch) >= 0) {
                return false;
            }
        }
        return !s.toUpperCase(Locale.ROOT).equals("NIL");
    }
}
