package org.mailtidy.imap;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.mailtidy.mail.StoreMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code UID STORE} one command at a time: plain, or with CONDSTORE guarded by {@code UNCHANGEDSINCE}
 * (RFC 7162 section 3.1.3) so that another client's later change is never overwritten.
 */
final class SingleStores {
    private static final Logger LOG = LoggerFactory.getLogger(SelectedMailbox.class);

    private final MailboxCommands commands;

    SingleStores(MailboxCommands commands) {
        this.commands = commands;
    }

    /** See {@link SelectedMailbox#store}. */
    long[] store(long[] uids, StoreMode mode, Collection<String> flags) throws ImapException {
        commands.requireWritable("UID STORE");
        ModSeqGuards guards = commands.guards();
        if (guards == null) {
            String suffix = " " + mode.item() + " " + FlagNames.list(flags);
            MailboxCommands.forEachPiece(uids, "UID STORE ", suffix, piece -> commands.run("UID STORE",
                    "UID STORE " + piece + suffix, null, r -> r instanceof FetchResponse));
            return new long[0];
        }
        LongStream.Builder refused = LongStream.builder();
        for (long uid : uids) {
            if (guards.changedByOthers(uid)) {
                refused.add(uid);
            }
        }
        for (Map.Entry<Long, long[]> group : guards.byGuard(uids).entrySet()) {
            String suffix = " (UNCHANGEDSINCE " + group.getKey() + ") " + mode.item() + " " + FlagNames.list(flags);
            List<String> names = List.copyOf(flags);
            MailboxCommands.forEachPiece(group.getValue(), "UID STORE ", suffix,
                    piece -> conditionalStore(piece, suffix, mode, names, refused));
        }
        // a FETCH for a message outside the command (another client's change reported in passing) is
        // the guards' business, not a refusal of this store
        return onlyAmong(UidSets.sortedDistinct(refused.build().toArray()), uids);
    }

    private static long[] onlyAmong(long[] sortedRefused, long[] asked) {
        long[] sortedAsked = asked.clone();
        java.util.Arrays.sort(sortedAsked);
        return LongStream.of(sortedRefused).filter(uid -> java.util.Arrays.binarySearch(sortedAsked, uid) >= 0)
                .toArray();
    }

    /** See {@link SelectedMailbox#unchangedSinceGuard}. */
    long unchangedSinceGuard(long uid) {
        return commands.guards() == null ? 0 : commands.guards().guardOf(uid);
    }

    /** See {@link SelectedMailbox#storeUnchangedSince}. */
    long[] storeUnchangedSince(long[] uids, long modSeq, StoreMode mode, Collection<String> flags)
            throws ImapException {
        commands.requireWritable("UID STORE");
        if (commands.guards() == null) {
            throw new IllegalStateException(commands.name() + " has no conditional stores (CONDSTORE)");
        }
        LongStream.Builder refused = LongStream.builder();
        List<String> names = List.copyOf(flags);
        String suffix = " (UNCHANGEDSINCE " + modSeq + ") " + mode.item() + " " + FlagNames.list(names);
        MailboxCommands.forEachPiece(uids, "UID STORE ", suffix,
                piece -> conditionalStore(piece, suffix, mode, names, refused));
        return UidSets.sortedDistinct(refused.build().toArray());
    }

    /**
     * One {@code UID STORE ... (UNCHANGEDSINCE m)}: the server changes only messages whose
     * mod-sequence is still at most m and names the others in {@code [MODIFIED set]}; see {@link
     * GuardedStoreReplies} for how the untagged FETCHes are read (RFC 7162 section 3.1.3).
     */
    private void conditionalStore(String piece, String suffix, StoreMode mode, List<String> flags,
                                  LongStream.Builder refused) throws ImapException {
        GuardedStoreReplies replies = new GuardedStoreReplies(piece, mode, flags);
        Response tagged = commands.runWith("UID STORE", p -> "UID STORE " + piece + suffix, p -> null,
                replies::take);
        GuardedStoreReplies.Outcome outcome = replies.finish(tagged.getRest());
        long[] notOurs = outcome.leftAlone();
        if (notOurs.length > 0) {
            LOG.info("{}: {} changed by another client since read; left alone (RFC 7162 UNCHANGEDSINCE)",
                    commands.name(), UidSets.split(notOurs, Integer.MAX_VALUE));
        }
        commands.guards().stored(outcome.changed(), outcome.modSeqs(), notOurs);
        LongStream.of(notOurs).forEach(refused::add);
    }
}
