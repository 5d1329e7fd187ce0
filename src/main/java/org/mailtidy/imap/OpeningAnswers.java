package org.mailtidy.imap;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The table FETCH and the searches of an {@link Opening}, written ahead right after the SELECT (docs/adr/0015):
 * their answers are collected as they are read, and handed out only to a later call that asks exactly
 * what was written. Another request, or answers that cannot be told apart, are not used: the caller
 * sends its command as it would have without the opening. A NO or BAD is the server's answer to that
 * very command in the mailbox selected, so the call fails with it as it would have if sent then.
 */
final class OpeningAnswers {
    private static final Logger LOG = LoggerFactory.getLogger(OpeningAnswers.class);
    /** More UIDs than the mailbox holds that a search answer may name (as {@link MailboxSearches} allows). */
    private static final long SEARCH_SLACK = 10_000;

    /** Nothing written ahead. */
    static final OpeningAnswers NONE = new OpeningAnswers(Opening.NONE);

    private final Opening opening;
    private final MessageTableBuilder table = new MessageTableBuilder(16);
    private volatile Response tableAnswer;
    private volatile ImapException tableFailure;
    private boolean tableTaken;
    private final List<UidRanges> found = new ArrayList<>();
    private final Response[] searchAnswers;
    /** A search answer came that names no command (a plain SEARCH, an ESEARCH without its tag). */
    private volatile boolean searchesSpoiled;
    private boolean searchesTaken;

    private OpeningAnswers(Opening opening) {
        this.opening = opening;
        this.searchAnswers = new Response[opening.searches().size()];
        for (int i = 0; i < opening.searches().size(); i++) {
            found.add(new UidRanges());
        }
    }

    /** The answers of this opening; {@link #commands} writes it. */
    static OpeningAnswers of(Opening opening) {
        return opening.isEmpty() ? NONE : new OpeningAnswers(opening);
    }

    /** What was written ahead. */
    Opening opening() {
        return opening;
    }

    /** The commands to write after the SELECT of {@code mailbox}, in the order the opening names them. */
    List<LineEndTolerantProtocol.Queued> commands(ImapConnection connection, String mailbox, boolean utf8Accepted) {
        List<LineEndTolerantProtocol.Queued> out = new ArrayList<>();
        if (opening.tableFrom() > 0) {
            long from = opening.tableFrom();
            Wire.Handler rows = TableFetches.rowsFrom(from, table, (uid, flags) ->
                    MailboxCommands.checkUidAndFlags(connection, mailbox, "UID FETCH", uid, flags));
            out.add(new LineEndTolerantProtocol.Queued(TableFetches.tableCommand(from), null, r -> {
                try {
                    return rows.handle(r);
                } catch (ImapException e) {
                    tableFailure = e;
                    return true;
                }
            }, tagged -> tableAnswer = tagged));
            connection.counter().increment("UID FETCH");
        }
        for (int i = 0; i < opening.searches().size(); i++) {
            SearchRequest request = opening.searches().get(i);
            boolean charset = request.utf8() || request.program().stream().anyMatch(a -> a.match(atom -> false,
                    str -> !MailboxCommands.isAscii(str.value())));
            String verb = "UID SEARCH RETURN (ALL)" + (charset && !utf8Accepted ? " CHARSET UTF-8" : "");
            UidRanges ranges = found.get(i);
            int index = i;
            out.add(new LineEndTolerantProtocol.Queued(verb, SearchArguments.of(request.program()), r -> {
                if (!(r instanceof IMAPResponse ir) || !ir.keyEquals("SEARCH") && !ir.keyEquals("ESEARCH")) {
                    return false;
                }
                // the protocol hands a search only the ESEARCH that names its tag: anything else is a
                // result nobody can place, so none of the searches written ahead is believed
                if (Wire.esearchTag(r) == null) {
                    searchesSpoiled = true;
                    return true;
                }
                return SearchResults.read(r, ranges);
            }, tagged -> searchAnswers[index] = tagged));
        }
        if (!opening.searches().isEmpty()) {
            connection.counter().increment("UID SEARCH", opening.searches().size());
        }
        return out;
    }

    /**
     * The table written ahead, when it was fetched from {@code fromUid}; empty otherwise (then it is
     * fetched as without the opening). Reads the answers now if they were not read yet; a refusal
     * throws as the command sent now would.
     */
    Optional<MessageTable> table(long fromUid, MailboxCommands commands) throws ImapException {
        if (opening.tableFrom() != fromUid || tableTaken) {
            return Optional.empty();
        }
        tableTaken = true;
        if (tableAnswer == null) {
            commands.readAhead("UID FETCH");
        }
        if (tableFailure != null) {
            throw tableFailure;
        }
        if (tableAnswer == null) {
            return Optional.empty();
        }
        if (!tableAnswer.isOK()) {
            // the very command, sent in the mailbox selected: the server's answer, as if sent now
            throw commands.refusal("UID FETCH", tableAnswer);
        }
        return Optional.of(table.build());
    }

    /**
     * The answers of the searches written ahead, as indexes into {@code ascendingUids}, when {@code
     * requests} are exactly those searches (a refusal throws as for the searches sent now); empty otherwise.
     */
    Optional<List<BitSet>> searches(List<SearchRequest> requests, long[] ascendingUids, MailboxCommands commands)
            throws ImapException {
        if (searchesTaken || requests.isEmpty() || !requests.equals(opening.searches())) {
            if (!requests.isEmpty() && !opening.searches().isEmpty() && !searchesTaken) {
                LOG.debug("{}: the searches written ahead are not the ones asked; sending them", commands.name());
            }
            return Optional.empty();
        }
        searchesTaken = true;
        if (java.util.Arrays.stream(searchAnswers).anyMatch(a -> a == null)) {
            commands.readAhead("UID SEARCH");
        }
        for (Response tagged : searchAnswers) {
            if (tagged == null) {
                return Optional.empty();
            }
        }
        commands.requireAllOk("UID SEARCH", java.util.Arrays.asList(searchAnswers));
        if (searchesSpoiled) {
            LOG.debug("{}: a search answer written ahead named no command; sending them again", commands.name());
            return Optional.empty();
        }
        List<BitSet> out = new ArrayList<>();
        for (UidRanges ranges : found) {
            long[] pairs = ranges.toArray();
            long count = 0;
            UidIndexBits bits = new UidIndexBits(ascendingUids);
            for (int i = 0; i < pairs.length; i += 2) {
                count += pairs[i + 1] - pairs[i] + 1;
                if (count > commands.exists() + SEARCH_SLACK) {
                    throw new ImapException.ServerMisbehaved("UID SEARCH in " + commands.name() + " failed: "
                            + commands.connection().guard().server() + " answered with more UIDs than the "
                            + commands.exists() + " messages the mailbox holds", null);
                }
                bits.range(pairs[i], pairs[i + 1]);
            }
            out.add(bits.bits());
        }
        return Optional.of(out);
    }
}
