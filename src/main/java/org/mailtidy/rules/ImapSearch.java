package org.mailtidy.rules;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.mailtidy.mail.SearchArg;

/**
 * Renders criteria as IMAP SEARCH programs (RFC 3501 section 6.4.4, RFC 9051 section 6.4.4):
 * AND is juxtaposition, OR a binary prefix operator, NOT a prefix operator.
 */
public final class ImapSearch {

    private ImapSearch() {
    }

    /**
     * The program for one server-side subtree (see {@link CriteriaKinds#isServerSide}).
     *
     * @param today the day that {@code sent_older_than}/{@code sent_newer_than} count back from
     * @throws IllegalArgumentException if the subtree holds a criterion the server does not answer
     */
    public static SearchProgram render(Criterion serverSubtree, LocalDate today) {
        List<SearchArg> out = new ArrayList<>();
        serverSubtree.accept(new SearchKeys(out, today, false));
        return SearchProgram.of(out);
    }

    /**
     * A program for the whole criterion, local criteria included (flags as SEEN/KEYWORD..., ages as
     * RFC 5032 OLDER/YOUNGER, sizes as LARGER/SMALLER): for asking a server what mailtidy would
     * otherwise evaluate itself, as the tests that hold {@link LocalSearch} to a server do.
     *
     * @throws IllegalArgumentException if the criterion holds a regex, which no server evaluates
     */
    public static SearchProgram renderAll(Criterion criterion, LocalDate today) {
        if (CriteriaKinds.containsRegex(criterion)) {
            throw new IllegalArgumentException("a regex criterion has no IMAP SEARCH key: " + criterion);
        }
        List<SearchArg> out = new ArrayList<>();
        criterion.accept(new SearchKeys(out, today, true));
        return SearchProgram.of(out);
    }

    /**
     * The whole criterion as one IMAP SEARCH text for {@code mailtidy check}: local criteria are
     * shown by their IMAP equivalent (OLDER/YOUNGER from RFC 5032 for ages) and regex criteria as
     * {@code [client: Header =~ /regex/]}. Strings are quoted even when not ASCII, for readability.
     */
    public static String describe(Criterion whole, LocalDate today) {
        List<SearchArg> out = new ArrayList<>();
        whole.accept(new SearchKeys(out, today, true));
        return SearchProgram.of(out).display();
    }
}
