package org.mailtidy.imap;

import java.util.BitSet;
import java.util.List;
import java.util.stream.LongStream;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.Response;
import org.mailtidy.mail.SearchArg;

/**
 * {@code UID SEARCH} in a selected mailbox: alone, or pipelined in one flight with ESEARCH's
 * correlators (RFC 4731) telling the answers apart; answers read as ranges, straight into bits.
 */
final class MailboxSearches {
    /** More UIDs than the mailbox holds that a search answer may name: mail that arrives meanwhile. */
    private static final long SEARCH_SLACK = 10_000;

    private final MailboxCommands commands;
    /** The searches written ahead with the SELECT, taken by a request equal to them. */
    private final OpeningAnswers opening;

    MailboxSearches(MailboxCommands commands, OpeningAnswers opening) {
        this.commands = commands;
        this.opening = opening;
    }

    /** See {@link SelectedMailbox#existingUidRanges}. */
    long[] existingUidRanges(long upToUid) throws ImapException {
        ImapConnection connection = commands.connection();
        if (!connection.hasCapability("ESEARCH")) {
            throw new IllegalStateException(connection.description() + " has no ESEARCH");
        }
        if (commands.exists() == 0 || upToUid < 1) {
            return new long[0];
        }
        UidRanges all = new UidRanges();
        commands.run("UID SEARCH", "UID SEARCH RETURN (ALL) UID 1:" + upToUid, null, r -> SearchResults.read(r, all));
        long[] ranges = all.toArray();
        // 1:n names the last message too when every UID is above n (RFC 3501 section 6.4.8)
        int keep = ranges.length;
        while (keep > 0 && ranges[keep - 2] > upToUid) {
            keep -= 2;
        }
        if (keep > 0 && ranges[keep - 1] > upToUid) {
            ranges[keep - 1] = upToUid;
        }
        return java.util.Arrays.copyOf(ranges, keep);
    }

    /** See {@link SelectedMailbox#uidSearch(List, boolean)}. */
    long[] uidSearch(List<SearchArg> program, boolean utf8) throws ImapException {
        LongStream.Builder found = LongStream.builder();
        uidSearch(program, utf8, (first, last) -> {
            for (long uid = first; uid <= last; uid++) {
                found.add(uid);
            }
        });
        return UidSets.sortedDistinct(found.build().toArray());
    }

    /** See {@link SelectedMailbox#uidSearch(List, boolean, long[])}. */
    BitSet uidSearch(List<SearchArg> program, boolean utf8, long[] ascendingUids) throws ImapException {
        java.util.Optional<List<BitSet>> writtenAhead = opening.searches(List.of(new SearchRequest(program, utf8)),
                ascendingUids, commands);
        if (writtenAhead.isPresent()) {
            return writtenAhead.get().get(0);
        }
        UidIndexBits found = new UidIndexBits(ascendingUids);
        uidSearch(program, utf8, found);
        return found.bits();
    }

    /** See {@link SelectedMailbox#uidSearchAll}. */
    List<BitSet> uidSearchAll(List<SearchRequest> requests, long[] ascendingUids)
            throws ImapException {
        java.util.Optional<List<BitSet>> writtenAhead = opening.searches(requests, ascendingUids, commands);
        if (writtenAhead.isPresent()) {
            return writtenAhead.get();
        }
        ImapConnection connection = commands.connection();
        if (!connection.hasCapability("ESEARCH")) {
            // A plain SEARCH answer names no command, and a server may run pipelined searches at
            // once (Dovecot does): only ESEARCH's correlator (RFC 4731) tells the answers apart.
            List<BitSet> out = new java.util.ArrayList<>();
            for (SearchRequest r : requests) {
                out.add(uidSearch(r.program(), r.utf8(), ascendingUids));
            }
            return out;
        }
        List<UidIndexBits> found = new java.util.ArrayList<>();
        boolean literalPlus = connection.hasCapability("LITERAL+");
        for (int i = 0; i < requests.size(); i++) {
            found.add(new UidIndexBits(ascendingUids));
        }
        connection.counter().increment("UID SEARCH", requests.size());
        List<Response> answers = commands.pipelined("UID SEARCH", p -> {
            List<Wire.Pipelined> flight = new java.util.ArrayList<>();
            for (int i = 0; i < requests.size(); i++) {
                SearchRequest request = requests.get(i);
                SearchCommand c = searchCommand(request.program(), request.utf8(), found.get(i), p.supportsUtf8());
                int octets = c.verb.length() + 24 + request.program().stream().mapToInt(MailboxSearches::octets).sum();
                boolean literal = !literalPlus && request.program().stream().anyMatch(MailboxSearches::needsLiteral);
                flight.add(new Wire.Pipelined(c.verb, c.args, c.handler, octets, literal));
            }
            return flight;
        });
        commands.requireAllOk("UID SEARCH", answers);
        return found.stream().map(UidIndexBits::bits).toList();
    }

    /** At most the octets the token takes on the command line. */
    private static int octets(SearchArg arg) {
        return arg.match(atom -> atom.text().length() + 1, str -> str.value().length() * 4 + 16);
    }

    /** A string with a control or non-ASCII character: a synchronizing literal without LITERAL+. */
    private static boolean needsLiteral(SearchArg arg) {
        return arg.match(atom -> false, str -> str.value().chars().anyMatch(ch -> ch < 0x20 || ch > 0x7e));
    }

    private record SearchCommand(String verb, Argument args, Wire.Handler handler) {
    }

    /** The command line before the program, its arguments, and the handler that reads its answer. */
    private SearchCommand searchCommand(List<SearchArg> program, boolean utf8, UidRangeSink sink,
                                        boolean utf8Accepted) {
        long[] count = {0};
        UidRangeSink found = (first, last) -> {
            count[0] += last - first + 1;
            if (count[0] > commands.exists() + SEARCH_SLACK) {
                throw new TooManyUids();
            }
            sink.range(first, last);
        };
        Wire.Handler handler = r -> {
            try {
                return SearchResults.read(r, found);
            } catch (TooManyUids e) {
                throw new ImapException.ServerMisbehaved("UID SEARCH in " + commands.name() + " failed: "
                        + commands.connection().guard().server() + " answered with more UIDs than the "
                        + commands.exists() + " messages the mailbox holds", null);
            }
        };
        boolean charset = utf8 || program.stream().anyMatch(a -> a.match(atom -> false,
                str -> !MailboxCommands.isAscii(str.value())));
        boolean esearch = commands.connection().hasCapability("ESEARCH");
        String verb = "UID SEARCH" + (esearch ? " RETURN (ALL)" : "")
                + (charset && !utf8Accepted ? " CHARSET UTF-8" : "");
        return new SearchCommand(verb, SearchArguments.of(program), handler);
    }

    private void uidSearch(List<SearchArg> program, boolean utf8, UidRangeSink sink) throws ImapException {
        SearchCommand[] c = {null};
        commands.runWith("UID SEARCH", p -> (c[0] = searchCommand(program, utf8, sink, p.supportsUtf8())).verb(),
                p -> c[0].args(), r -> c[0].handler().handle(r));
    }

    /** See {@link SelectedMailbox#stillPresent}. */
    long[] stillPresent(long[] uids) throws ImapException {
        LongStream.Builder present = LongStream.builder();
        MailboxCommands.forEachPiece(uids, "UID SEARCH UID ", "", piece -> {
            for (long uid : uidSearch(List.of(new SearchArg.Atom("UID"), new SearchArg.Atom(piece)), false)) {
                present.add(uid);
            }
        });
        return UidSets.sortedDistinct(present.build().toArray());
    }

    /** A search answer past {@link #SEARCH_SLACK} more UIDs than the mailbox holds. */
    private static final class TooManyUids extends RuntimeException {
        TooManyUids() {
            super(null, null, false, false);
        }
    }
}
