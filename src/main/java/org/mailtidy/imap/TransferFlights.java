package org.mailtidy.imap;

import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.stream.LongStream;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;

/**
 * Copies and moves of a selected mailbox in one flight (RFC 9051 section 5.5), with a CREATE in front
 * of them for each destination this connection does not know to exist, and a SUBSCRIBE written ahead
 * for each one the CREATE made (docs/adr/0017).
 */
final class TransferFlights {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ImapConnection.class);

    private final MailboxCommands commands;
    private final MailboxSearches searches;

    TransferFlights(MailboxCommands commands, MailboxSearches searches) {
        this.commands = commands;
        this.searches = searches;
    }

    /**
     * The copies and moves in one flight (RFC 9051 section 5.5), in order, each destination that this
     * connection does not know to exist created in front of them in the same flight; {@code
     * createFirst}: mailboxes to CREATE there in any case (a destination the server said is missing).
     * A CREATE answered OK made the mailbox: it is logged and SUBSCRIBEd (written ahead, so it costs no
     * wait); any refusal ({@code [ALREADYEXISTS]} or not) leaves the name alone, never subscribed, and
     * the COPY or MOVE behind it tells whether it exists. The caller sends no message in two of them:
     * each one's outcome does not depend on the others'. A refusal does not stop the rest (they were
     * sent with it).
     */
    List<TransferOutcome> transferAll(List<TransferRequest> requests,
                                                      Collection<String> createFirst)
            throws ImapException {
        for (TransferRequest r : requests) {
            commands.requireWritable(r.move() ? "UID MOVE" : "UID COPY");
            if (r.move() && !commands.connection().hasCapability("MOVE")) {
                throw new ImapException.MissingCapability("MOVE", commands.connection().description()
                        + " does not support MOVE (RFC 6851)");
            }
        }
        MailboxDirectory directory = commands.connection().mailboxes();
        java.util.Set<String> toCreate = new java.util.LinkedHashSet<>(createFirst);
        for (TransferRequest r : requests) {
            if (r.uids().length > 0 && !directory.knownToExist(r.mailbox())) {
                toCreate.add(r.mailbox());
            }
        }
        List<String> created = List.copyOf(toCreate);
        List<String> creates = new java.util.ArrayList<>();
        for (String mailbox : created) {
            creates.add(MailboxNames.encode(commands.connection().serverName(mailbox)));
        }
        List<String> wires = new java.util.ArrayList<>();
        for (TransferRequest r : requests) {
            wires.add(MailboxNames.encode(commands.connection().serverName(r.mailbox())));
        }
        boolean literalPlus = commands.connection().hasCapability("LITERAL+");
        List<Integer> requestOf = new java.util.ArrayList<>();
        List<String> pieces = new java.util.ArrayList<>();
        List<ExpungeWatch> watches = new java.util.ArrayList<>();
        List<CopiedUids[]> untaggedCopied = new java.util.ArrayList<>();
        // With QRESYNC every expunge names its UIDs (VANISHED); Dovecot may answer pipelined MOVEs with
        // one VANISHED for several of them, so each MOVE takes its own UIDs from all the flight's
        UidRanges vanishedInFlight = new UidRanges();
        boolean byUid = commands.qresync();
        Function<IMAPProtocol, List<Wire.Pipelined>> build = p -> {
            List<Wire.Pipelined> flight = new java.util.ArrayList<>();
            for (int c = 0; c < creates.size(); c++) {
                String wire = creates.get(c);
                boolean literal = !literalPlus && (p.supportsUtf8() || !MailboxCommands.isAscii(wire));
                commands.connection().counter().increment("CREATE");
                flight.add(new Wire.Pipelined("CREATE", ImapConnection.mailboxArgument(p, wire), r -> false,
                        wire.length() * 4 + 40, literal));
                requestOf.add(-1 - c);
                pieces.add(null);
                watches.add(null);
                untaggedCopied.add(null);
            }
            for (int i = 0; i < requests.size(); i++) {
                TransferRequest r = requests.get(i);
                String verb = r.move() ? "UID MOVE" : "UID COPY";
                String wire = wires.get(i);
                boolean literal = !literalPlus && (p.supportsUtf8() || !MailboxCommands.isAscii(wire));
                String room = MailboxCommands.mailboxRoom(wire);
                for (String piece : UidSets.split(r.uids(), Wire.setBudget(verb + " ", room))) {
                    commands.connection().counter().increment(verb);
                    ExpungeWatch watch = r.move() ? new ExpungeWatch(piece, searches) : null;
                    CopiedUids[] copied = {CopiedUids.NONE};
                    Wire.Handler handler = watch == null ? x -> false : x -> {
                        if (x.isUnTagged() && x.isOK()) {
                            copied[0] = copied[0].plus(CopyUidCode.of(x));
                        }
                        if (byUid && Vanished.is(x)) {
                            Vanished.read(x, vanishedInFlight);
                        }
                        return watch.take(x);
                    };
                    flight.add(new Wire.Pipelined(verb + " " + piece, ImapConnection.mailboxArgument(p, wire), handler,
                            verb.length() + piece.length() + wire.length() * 4 + 40, literal,
                            watch == null ? x -> false : x -> namesAnyOf(x, piece)));
                    requestOf.add(i);
                    pieces.add(piece);
                    watches.add(watch);
                    untaggedCopied.add(copied);
                }
            }
            return flight;
        };
        List<Response> answers;
        if (byUid || requests.stream().noneMatch(TransferRequest::move)) {
            answers = commands.pipelined("UID MOVE", build, (i, tagged) -> { });
        } else {
            // EXPUNGE responses name sequence numbers, which cannot tell the commands of a flight apart:
            // one command at a time; a CREATE (answered by a tagged line only) rides with the command after it
            answers = new java.util.ArrayList<>();
            List<Wire.Pipelined>[] all = new List[1];
            commands.pipelinedNothing(p -> all[0] = build.apply(p));
            List<Wire.Pipelined> next = new java.util.ArrayList<>();
            for (int k = 0; k < all[0].size(); k++) {
                next.add(all[0].get(k));
                if (requestOf.get(k) >= 0 || k == all[0].size() - 1) {
                    answers.addAll(commands.pipelined("UID MOVE", next));
                    next = new java.util.ArrayList<>();
                }
            }
        }
        List<TransferOutcome> out = new java.util.ArrayList<>();
        java.util.Map<String, ImapException> createRefused = new java.util.HashMap<>();
        List<String> madeHere = new java.util.ArrayList<>();
        for (int i = 0; i < answers.size() && requestOf.get(i) < 0; i++) {
            Response tagged = answers.get(i);
            String mailbox = created.get(-1 - requestOf.get(i));
            if (tagged.isOK()) {
                LOG.info("creating mailbox '{}' on {}", mailbox, commands.connection().description());
                directory.exists(mailbox);
                madeHere.add(mailbox);
            } else if (tagged.toString().toUpperCase(java.util.Locale.ROOT).contains("[ALREADYEXISTS]")) {
                directory.exists(mailbox);
            } else {
                LOG.debug("CREATE '{}' refused by {}: {}", mailbox, commands.connection().description(), tagged);
                if (createFirst.contains(mailbox)) {
                    createRefused.put(mailbox, commands.refusal("CREATE", tagged));
                }
            }
        }
        for (int r = 0; r < requests.size(); r++) {
            UidRanges gone = new UidRanges();
            CopiedUids copied = CopiedUids.NONE;
            ImapException refused = null;
            boolean tryCreate = false;
            LongStream.Builder refusedUids = LongStream.builder();
            for (int i = 0; i < answers.size(); i++) {
                if (requestOf.get(i) != r) {
                    continue;
                }
                Response tagged = answers.get(i);
                if (!tagged.isOK()) {
                    LongStream.of(UidSets.parse(pieces.get(i))).forEach(refusedUids::add);
                    if (refused == null) {
                        refused = createRefused.containsKey(requests.get(r).mailbox())
                                ? createRefused.get(requests.get(r).mailbox())
                                : commands.refusal(requests.get(r).move() ? "UID MOVE" : "UID COPY", tagged);
                        tryCreate = tagged.toString().toUpperCase(java.util.Locale.ROOT).contains("[TRYCREATE]");
                        if (tryCreate) {
                            directory.gone(requests.get(r).mailbox());
                        }
                    }
                    continue;
                }
                directory.exists(requests.get(r).mailbox());
                copied = copied.plus(untaggedCopied.get(i)[0]).plus(CopyUidCode.of(tagged));
                if (watches.get(i) != null) {
                    commands.ownExpungeDone(tagged);
                    if (byUid) {
                        ExpungeWatch.intersect(UidSets.parseRanges(pieces.get(i)), vanishedInFlight.toArray(), gone);
                    } else {
                        watches.get(i).addTo(gone);
                    }
                }
            }
            out.add(new TransferOutcome(new Moved(gone.toArray(), copied),
                    UidSets.sortedDistinct(refusedUids.build().toArray()), java.util.Optional.ofNullable(refused),
                    tryCreate));
        }
        for (String mailbox : madeHere) {
            try {
                directory.subscribeCreated(mailbox);
            } catch (ImapException e) {
                // the transfers are done and must be recorded; a broken connection fails the next command
                LOG.warn("SUBSCRIBE '{}' on {} failed: {}", mailbox, commands.connection().description(),
                        e.getMessage());
            }
        }
        return out;
    }

    /**
     * Whether a MOVE's untagged answer ({@code VANISHED}, or {@code OK [COPYUID ...]}) names a UID of
     * {@code piece}: Dovecot answers pipelined MOVEs interleaved, so the answers are matched by UID (no
     * message is in two commands of a flight), not by order.
     */
    private static boolean namesAnyOf(Response r, String piece) {
        long[] sent = UidSets.parseRanges(piece);
        UidRanges named = new UidRanges();
        if (Vanished.is(r)) {
            Vanished.read(r, named);
        } else if (r.isUnTagged() && r.isOK()) {
            CopiedUids c = CopyUidCode.of(r);
            for (long uid : c.source()) {
                named.range(uid, uid);
            }
        } else {
            return false;
        }
        UidRanges both = new UidRanges();
        ExpungeWatch.intersect(sent, named.toArray(), both);
        return both.toArray().length > 0;
    }
}
