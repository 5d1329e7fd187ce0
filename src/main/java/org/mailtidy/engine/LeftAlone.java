package org.mailtidy.engine;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.LongStream;
import org.mailtidy.imap.ImapException;

/**
 * The messages the rest of a batch sends nothing more for: those whose conditional store the server
 * refused because another client changed them (RFC 7162: the plan for them is stale), and those of
 * commands the server refused outright (NO, BAD). The first outright refusal fails the run once the
 * rest of the batch is through.
 */
final class LeftAlone {
    private final Set<Long> changedByOthers = new HashSet<>();
    /** Messages of stores, copies or moves the server refused (NO, BAD). */
    private final Set<Long> refused = new HashSet<>();
    /** After the connection was lost during pipelined stores: the UIDs not all of whose stores were acknowledged. */
    private final Set<Long> storesUnfinished = new HashSet<>();
    private ImapException firstRefusal;

    void changedByOthers(long[] uids) {
        for (long uid : uids) {
            changedByOthers.add(uid);
        }
    }

    void refused(long[] uids) {
        LongStream.of(uids).forEach(refused::add);
    }

    /** Keeps the first refusal only: the run fails with it. */
    void refusal(ImapException e) {
        if (firstRefusal == null) {
            firstRefusal = e;
        }
    }

    /** The first refusal, or null. */
    ImapException firstRefusal() {
        return firstRefusal;
    }

    void storesUnfinished(long[] uids) {
        LongStream.of(uids).forEach(storesUnfinished::add);
    }

    long[] without(long[] uids) {
        return changedByOthers.isEmpty() && refused.isEmpty() ? uids
                : LongStream.of(uids).filter(u -> !changedByOthers.contains(u) && !refused.contains(u)).toArray();
    }

    /** Changed by another client, or refused. */
    Set<Long> all() {
        if (refused.isEmpty()) {
            return changedByOthers;
        }
        Set<Long> both = new HashSet<>(changedByOthers);
        both.addAll(refused);
        return both;
    }

    int changedByOthersCount() {
        return changedByOthers.size();
    }

    /** Every message of these whose changes did not all reach the server. */
    Set<Long> unfinished() {
        Set<Long> out = new HashSet<>(changedByOthers);
        out.addAll(refused);
        out.addAll(storesUnfinished);
        return out;
    }
}
