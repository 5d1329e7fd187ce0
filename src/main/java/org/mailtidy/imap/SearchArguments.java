package org.mailtidy.imap;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.eclipse.angus.mail.iap.Argument;
import org.mailtidy.mail.SearchArg;

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
            Argument into = current;
            current = arg.match(atom -> {
                if (atom.is("(")) {
                    open.push(into);
                    return new Argument();
                }
                if (atom.is(")")) {
                    if (open.isEmpty()) {
                        throw new IllegalArgumentException("unbalanced ')' in search program " + program);
                    }
                    Argument outer = open.pop();
                    outer.writeArgument(into);
                    return outer;
                }
                if (!atom.isSendable()) {
                    throw new IllegalArgumentException("not an IMAP atom: '" + atom.text() + "'");
                }
                into.writeAtom(atom.text());
                return into;
            }, str -> {
                into.writeString(str.value(), StandardCharsets.UTF_8);
                return into;
            });
        }
        if (!open.isEmpty()) {
            throw new IllegalArgumentException("unbalanced '(' in search program " + program);
        }
        return current;
    }
}
