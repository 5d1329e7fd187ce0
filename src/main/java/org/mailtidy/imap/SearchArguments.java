package org.mailtidy.imap;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.eclipse.angus.mail.iap.Argument;

/** Builds the argument of a UID SEARCH. */
final class SearchArguments {
    private SearchArguments() {
    }

    /**
     * Parenthesis atoms become nested arguments, because Angus separates every item with a space and
     * RFC 3501's grammar has none after {@code (} or before {@code )}. Strings go out as UTF-8,
     * quoted when possible, else as literals.
     */
    static Argument of(List<SearchArg> program) {
        Deque<Argument> open = new ArrayDeque<>();
        Argument current = new Argument();
        for (SearchArg arg : program) {
            if (arg instanceof SearchArg.Atom atom && atom.text().equals("(")) {
                open.push(current);
                current = new Argument();
            } else if (arg instanceof SearchArg.Atom atom && atom.text().equals(")")) {
                if (open.isEmpty()) {
                    throw new IllegalArgumentException("unbalanced ')' in search program " + program);
                }
                Argument inner = current;
                current = open.pop();
                current.writeArgument(inner);
            } else if (arg instanceof SearchArg.Atom atom) {
                current.writeAtom(atom.text());
            } else {
                current.writeString(((SearchArg.Str) arg).value(), StandardCharsets.UTF_8);
            }
        }
        if (!open.isEmpty()) {
            throw new IllegalArgumentException("unbalanced '(' in search program " + program);
        }
        return current;
    }
}
