package org.mailtidy.imap;

import org.eclipse.angus.mail.iap.Response;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.eclipse.angus.mail.imap.protocol.FLAGS;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.MODSEQ;
import org.eclipse.angus.mail.imap.protocol.UID;
import org.eclipse.angus.mail.imap.protocol.UIDSet;
import org.mailtidy.mail.StoreMode;

/**
 * Reads the answer to one {@code UID STORE set (UNCHANGEDSINCE m) ±FLAGS.SILENT (flags)} by RFC 7162
 * section 3.1.3: the UIDs in the tagged {@code [MODIFIED set]} code, and only those, failed the
 * {@code UNCHANGEDSINCE} test; every other UID of the command was stored. An untagged FETCH with
 * MODSEQ for one of the command's own UIDs reports the new mod-sequence of that successful store:
 * RFC 7162 makes the server send it even for {@code .SILENT}, and Cyrus before 3.10 adds FLAGS to it,
 * which does not make it another client's change.
 *
 * <p>What is taken for another client's change, so that the rest of the run leaves the message
 * alone (its plan may be stale) and no mod-sequence of it counts as this session's own:
 * <ul>
 *   <li>a FETCH for a UID the command did not name (a concurrent change reported in passing);</li>
 *   <li>a FETCH for one of the command's UIDs whose FLAGS contradict what the store just did (a
 *       flag it added missing, one it removed present, or for a replace other flags): the store was
 *       acknowledged, but another client changed the message right after it;</li>
 *   <li>a second FETCH for the same UID within the command: one of the two is someone else's.</li>
 * </ul>
 * A concurrent change whose FLAGS happen to agree with ours (another client adding the same flag)
 * cannot be told apart from the server's report of our own store and is taken as ours; its
 * mod-sequence then becomes the guard, which is harmless because the flags it carries are the
 * ones this session asked for.
 */
final class GuardedStoreReplies {
    private static final Pattern MODIFIED_CODE = Pattern.compile("\\[MODIFIED ([0-9:,]+)]", Pattern.CASE_INSENSITIVE);

    /** The command's UID set as ascending first, last pairs. */
    private final long[] sent;
    private final StoreMode mode;
    private final Set<String> flags;
    /** UID to the mod-sequence the FETCH reported (0: none), for UIDs of the command seen once. */
    private final Map<Long, Long> reported = new HashMap<>();
    private final Set<Long> others = new HashSet<>();

    /** What one guarded STORE did. All arrays ascending and distinct. */
    record Outcome(long[] changed, long[] modSeqs, long[] refused, long[] changedByOthers) {
        /** Refused or changed by another client: the UIDs the rest of the run leaves alone. */
        long[] leftAlone() {
            return UidSets.sortedDistinct(LongStream.concat(LongStream.of(refused), LongStream.of(changedByOthers))
                    .toArray());
        }
    }

    /** {@code uidSet}: the command's UID set as sent ({@code 1:5,9}). */
    GuardedStoreReplies(String uidSet, StoreMode mode, List<String> flags) {
        this.sent = UidSets.parseRanges(uidSet);
        this.mode = mode;
        this.flags = new HashSet<>();
        flags.forEach(f -> this.flags.add(f.toLowerCase(Locale.ROOT)));
    }

    /** Takes an untagged response; true when it was a FETCH about this command (consumed). */
    boolean take(Object response) {
        if (!(response instanceof FetchResponse f) || f.getItem(UID.class) == null) {
            return false;
        }
        long uid = f.getItem(UID.class).uid;
        MODSEQ modseq = f.getItem(MODSEQ.class);
        FLAGS current = f.getItem(FLAGS.class);
        if (!sent(uid)) {
            others.add(uid);
            return false; // Angus's cache should see another client's flags
        }
        if (reported.containsKey(uid) || (current != null && contradicts(current))) {
            others.add(uid);
            reported.remove(uid);
            return current == null;
        }
        if (!others.contains(uid)) {
            reported.put(uid, modseq == null ? 0 : modseq.modseq);
        }
        return true;
    }

    /** The outcome once the tagged reply ({@code rest}: its text after OK) arrived. */
    Outcome finish(String taggedRest) {
        Matcher m = MODIFIED_CODE.matcher(taggedRest);
        long[] modified = m.find() ? UidSets.sortedDistinct(UIDSet.toArray(UIDSet.parseUIDSets(m.group(1))))
                : new long[0];
        long[] refused = LongStream.of(modified).filter(this::sent).toArray();
        long[] changed = reported.entrySet().stream().filter(e -> e.getValue() > 0)
                .mapToLong(Map.Entry::getKey).filter(u -> Arrays.binarySearch(modified, u) < 0).sorted().toArray();
        long[] modSeqs = LongStream.of(changed).map(reported::get).toArray();
        long[] byOthers = others.stream().mapToLong(Long::longValue)
                .filter(u -> Arrays.binarySearch(modified, u) < 0).sorted().toArray();
        return new Outcome(changed, modSeqs, refused, byOthers);
    }

    /** True when the command named the UID. */
    /** True when the response is a FETCH about one of this command's UIDs (a pipelined flight's owner). */
    boolean concerns(Response response) {
        return response instanceof FetchResponse f && f.getItem(UID.class) != null && sent(f.getItem(UID.class).uid);
    }

    private boolean sent(long uid) {
        int lo = 0;
        int hi = sent.length / 2 - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (uid < sent[2 * mid]) {
                hi = mid - 1;
            } else if (uid > sent[2 * mid + 1]) {
                lo = mid + 1;
            } else {
                return true;
            }
        }
        return false;
    }

    private boolean contradicts(FLAGS current) {
        Set<String> now = new HashSet<>();
        FlagNames.of(current, false).forEach(f -> now.add(f.toLowerCase(Locale.ROOT)));
        now.remove("\\recent");
        return switch (mode) {
            case ADD -> !now.containsAll(flags);
            case REMOVE -> flags.stream().anyMatch(now::contains);
            case REPLACE -> !now.equals(flags);
        };
    }
}
