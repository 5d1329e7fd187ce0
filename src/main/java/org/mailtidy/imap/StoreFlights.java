package org.mailtidy.imap;

import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.mailtidy.mail.StoreMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A batch of {@code UID STORE}s pipelined in flights (RFC 9051 section 5.5), with CONDSTORE's
 * {@code UNCHANGEDSINCE} per message, and the batch's {@code UID EXPUNGE} in the last flight
 * (docs/adr/0011). See {@link SelectedMailbox#storeAll(List, long[])}.
 */
final class StoreFlights {
    private static final Logger LOG = LoggerFactory.getLogger(SelectedMailbox.class);

    private final MailboxCommands commands;
    private final MailboxSearches searches;
    /** The CONDSTORE guards; null without conditional stores. */
    private final ModSeqGuards guards;

    StoreFlights(MailboxCommands commands, MailboxSearches searches) {
        this.commands = commands;
        this.searches = searches;
        this.guards = commands.guards();
    }

    StoreOutcome storeAll(List<StoreRequest> requests, long[] expungeAfter)
            throws ImapException {
        commands.requireWritable("UID STORE");
        boolean expunge = expungeAfter != null && expungeAfter.length > 0 && guards != null
                && commands.connection().hasCapability("UIDPLUS");
        UidRanges expunged = expunge ? new UidRanges() : null;
        UidRanges expungedInFlight = new UidRanges();
        Response[] expungeAnswer = {null};
        ExpungeWatch[] expungeWatch = {null};
        int expungePieces = 0;
        long[] expungeSent = null;
        java.util.Set<Long> leftAlone = new java.util.HashSet<>();
        java.util.Set<Long> refused = new java.util.HashSet<>();
        ImapException[] failure = {null};
        long[][] pending = new long[requests.size()][];
        for (int i = 0; i < pending.length; i++) {
            pending[i] = requests.get(i).uids();
        }
        while (java.util.Arrays.stream(pending).anyMatch(u -> u.length > 0)) {
            commands.requireWritable("UID STORE");
            java.util.Set<Long> inFlight = new java.util.HashSet<>();
            List<Wire.Pipelined> flight = new java.util.ArrayList<>();
            List<java.util.function.Consumer<Response>> done = new java.util.ArrayList<>();
            for (int i = 0; i < pending.length; i++) {
                StoreRequest request = requests.get(i);
                LongStream.Builder now = LongStream.builder();
                LongStream.Builder later = LongStream.builder();
                for (long uid : pending[i]) {
                    if (leftAlone.contains(uid) || refused.contains(uid)) {
                        continue;
                    }
                    if (guards != null && guards.changedByOthers(uid)) {
                        leftAlone.add(uid);
                    } else if (guards != null && !inFlight.add(uid)) {
                        later.add(uid);
                    } else {
                        now.add(uid);
                    }
                }
                pending[i] = later.build().toArray();
                addStores(now.build().toArray(), request, flight, done, leftAlone, refused, failure);
            }
            if (flight.isEmpty()) {
                continue;
            }
            if (expunge && java.util.Arrays.stream(pending).allMatch(u -> u.length == 0)) {
                // The last flight carries the UID EXPUNGE too (docs/adr/0011): it removes only these
                // UIDs, and only those that have \Deleted when it runs, after the stores before it.
                long[] toExpunge = LongStream.of(expungeAfter).filter(u -> !leftAlone.contains(u) && !refused.contains(u))
                        .toArray();
                expungeSent = toExpunge;
                List<String> pieces = UidSets.split(toExpunge, Wire.setBudget("UID EXPUNGE ", ""));
                if (pieces.size() > 1 && commands.qresync()) {
                    // every piece in the flight: VANISHED names the UIDs, whichever piece it answers
                    for (String piece : pieces) {
                        commands.connection().counter().increment("UID EXPUNGE");
                        String command = "UID EXPUNGE " + piece;
                        flight.add(new Wire.Pipelined(command, null, r -> {
                            if (Vanished.is(r)) {
                                Vanished.read(r, expungedInFlight);
                            }
                            return false;
                        }, command.length() + 24, false, Vanished::is));
                        done.add(tagged -> {
                            if (expungeAnswer[0] == null || !tagged.isOK()) {
                                expungeAnswer[0] = tagged;
                            }
                        });
                    }
                    expungeWatch[0] = null;
                    expungePieces = pieces.size();
                } else if (pieces.size() == 1) {
                    ExpungeWatch watch = new ExpungeWatch(pieces.get(0), searches);
                    expungeWatch[0] = watch;
                    expungePieces = 1;
                    commands.connection().counter().increment("UID EXPUNGE");
                    String command = "UID EXPUNGE " + pieces.get(0);
                    flight.add(new Wire.Pipelined(command, null, watch::take, command.length() + 24, false,
                            r -> Vanished.is(r) || r instanceof IMAPResponse ir && ir.keyEquals("EXPUNGE")));
                    done.add(tagged -> expungeAnswer[0] = tagged);
                } else {
                    expunge = false;  // a set past one line: sent after the stores, as before
                    expunged = null;
                }
            }
            commands.connection().counter().increment("UID STORE", flight.size() - expungePieces);
            boolean[] answered = new boolean[flight.size()];
            try {
                commands.pipelined("UID STORE", p -> flight, (i, tagged) -> {
                    answered[i] = true;
                    done.get(i).accept(tagged);
                });
            } catch (ImapException e) {
                // What the server did not acknowledge: the stores without an answer, those of later
                // flights, and what was left alone or refused so far.
                java.util.Set<Long> unfinished = new java.util.HashSet<>(leftAlone);
                unfinished.addAll(refused);
                for (int i = 0; i < flight.size(); i++) {
                    if (!answered[i] && flight.get(i).command().startsWith("UID STORE ")) {
                        String line = flight.get(i).command();
                        String set = line.substring("UID STORE ".length(), line.indexOf(' ', "UID STORE ".length()));
                        LongStream.of(UidSets.parse(set)).forEach(unfinished::add);
                    }
                }
                for (long[] later : pending) {
                    LongStream.of(later).forEach(unfinished::add);
                }
                throw new StoresInterrupted(e, UidSets.sortedDistinct(unfinished.stream()
                        .mapToLong(Long::longValue).toArray()));
            }
        }
        ImapException expungeFailure = null;
        if (expungeAnswer[0] != null) {
            if (expungeAnswer[0].isOK()) {
                commands.ownExpungeDone(expungeAnswer[0]);
                if (expungeWatch[0] != null) {
                    expungeWatch[0].addTo(expunged);
                } else {
                    UidRanges sent = new UidRanges();
                    for (long uid : expungeSent) {
                        sent.range(uid, uid);
                    }
                    ExpungeWatch.intersect(sent.toArray(), expungedInFlight.toArray(), expunged);
                }
                // A message whose \Deleted store was refused but that had \Deleted all the same (another
                // client's) was expunged: it is gone, no longer left alone.
                long[] ranges = expunged.toArray();
                for (int r = 0; r < ranges.length; r += 2) {
                    for (long uid = ranges[r]; uid <= ranges[r + 1]; uid++) {
                        leftAlone.remove(uid);
                        refused.remove(uid);
                    }
                }
            } else {
                expungeFailure = commands.refusal("UID EXPUNGE", expungeAnswer[0]);
            }
        }
        return new StoreOutcome(
                UidSets.sortedDistinct(leftAlone.stream().mapToLong(Long::longValue).toArray()),
                UidSets.sortedDistinct(refused.stream().mapToLong(Long::longValue).toArray()),
                java.util.Optional.ofNullable(failure[0]),
                expungeAnswer[0] == null ? null : expungeAnswer[0].isOK() ? expunged.toArray() : new long[0],
                java.util.Optional.ofNullable(expungeFailure));
    }

    /** The commands of one request's UIDs in this flight, and what to do with each answer. */
    private void addStores(long[] uids, StoreRequest request, List<Wire.Pipelined> flight,
                           List<java.util.function.Consumer<Response>> done, java.util.Set<Long> leftAlone,
                           java.util.Set<Long> refused, ImapException[] failure) {
        if (uids.length == 0) {
            return;
        }
        List<String> names = List.copyOf(request.flags());
        StoreMode mode = request.mode();
        Map<Long, long[]> groups = guards == null ? Map.of(0L, uids) : guards.byGuard(uids);
        for (Map.Entry<Long, long[]> group : groups.entrySet()) {
            String suffix = (guards == null ? "" : " (UNCHANGEDSINCE " + group.getKey() + ")") + " " + mode.item()
                    + " " + FlagNames.list(names);
            for (String piece : UidSets.split(group.getValue(), Wire.setBudget("UID STORE ", suffix))) {
                String command = "UID STORE " + piece + suffix;
                GuardedStoreReplies replies = guards == null ? null : new GuardedStoreReplies(piece, mode, names);
                flight.add(new Wire.Pipelined(command, null, replies == null ? r -> r instanceof FetchResponse
                        : replies::take, command.length() + 24, false, replies == null ? r -> false
                        : replies::concerns));
                done.add(tagged -> {
                    if (!tagged.isOK()) {
                        LongStream.of(UidSets.parse(piece)).forEach(refused::add);
                        if (failure[0] == null) {
                            failure[0] = commands.refusal("UID STORE", tagged);
                        }
                        return;
                    }
                    if (replies != null) {
                        GuardedStoreReplies.Outcome outcome = replies.finish(tagged.getRest());
                        long[] notOurs = outcome.leftAlone();
                        if (notOurs.length > 0) {
                            LOG.info("{}: {} changed by another client since read; left alone (RFC 7162"
                                    + " UNCHANGEDSINCE)", commands.name(), UidSets.split(notOurs, Integer.MAX_VALUE));
                        }
                        guards.stored(outcome.changed(), outcome.modSeqs(), notOurs);
                        LongStream.of(notOurs).forEach(leftAlone::add);
                    }
                });
            }
        }
    }
}
