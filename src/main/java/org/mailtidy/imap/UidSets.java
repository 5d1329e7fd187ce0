package org.mailtidy.imap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;

/**
 * Compressed UID sets ({@code 1:5,7,9:12}, RFC 3501 section 9 {@code sequence-set}) split so that
 * each piece fits a command line. UIDs are unsigned 32-bit values held in a long.
 */
public final class UidSets {
    public static final long MAX_UID = 0xFFFF_FFFFL;

    private UidSets() {
    }

    /**
     * Compresses the UIDs into ranges and cuts the result into pieces of at most {@code maxLen}
     * characters, never inside a range. The input is sorted and deduplicated first.
     */
    public static List<String> split(long[] uids, int maxLen) {
        long[] sorted = sortedDistinct(uids);
        int longestRange = 2 * Long.toString(MAX_UID).length() + 1;
        if (maxLen < longestRange) {
            throw new IllegalArgumentException("maxLen " + maxLen + " is shorter than one UID range");
        }
        List<String> pieces = new ArrayList<>();
        StringBuilder piece = new StringBuilder();
        for (int i = 0; i < sorted.length; ) {
            int j = i;
            while (j + 1 < sorted.length && sorted[j + 1] == sorted[j] + 1) {
                j++;
            }
            String range = i == j ? Long.toString(sorted[i]) : sorted[i] + ":" + sorted[j];
            if (piece.length() > 0 && piece.length() + 1 + range.length() > maxLen) {
                pieces.add(piece.toString());
                piece.setLength(0);
            }
            if (piece.length() > 0) {
                piece.append(',');
            }
            piece.append(range);
            i = j + 1;
        }
        if (piece.length() > 0) {
            pieces.add(piece.toString());
        }
        return pieces;
    }

    /**
     * Sorts, removes duplicates and rejects values outside 1..2^32-1 (RFC 3501 {@code nz-number}).
     * Input that already is strictly ascending (a plan's UID arrays always are) is returned itself:
     * sorting a copy of a million UIDs would cost three arrays of them.
     */
    public static long[] sortedDistinct(long[] uids) {
        long[] sorted = strictlyAscending(uids) ? uids : LongStream.of(uids).sorted().distinct().toArray();
        if (sorted.length > 0 && (sorted[0] < 1 || sorted[sorted.length - 1] > MAX_UID)) {
            throw new IllegalArgumentException("UIDs must be in 1.." + MAX_UID + ": " + Arrays.toString(
                    new long[] {sorted[0], sorted[sorted.length - 1]}));
        }
        return sorted;
    }

    private static boolean strictlyAscending(long[] uids) {
        for (int i = 1; i < uids.length; i++) {
            if (uids[i] <= uids[i - 1]) {
                return false;
            }
        }
        return true;
    }

    /** Expands a sequence set of explicit numbers ({@code 1:3,7}); {@code *} is not allowed. */
    public static long[] parse(String set) {
        LongStream.Builder out = LongStream.builder();
        if (set.isEmpty()) {
            return new long[0];
        }
        for (String part : set.split(",")) {
            int colon = part.indexOf(':');
            if (colon < 0) {
                out.add(Long.parseLong(part));
            } else {
                long a = Long.parseLong(part.substring(0, colon));
                long b = Long.parseLong(part.substring(colon + 1));
                for (long u = Math.min(a, b); u <= Math.max(a, b); u++) {
                    out.add(u);
                }
            }
        }
        return out.build().toArray();
    }

    /** A UID set ({@code 1:3,7}) as ascending, merged ranges: first, last pairs ({@code [1, 3, 7, 7]}). */
    public static long[] parseRanges(String set) {
        UidRanges out = new UidRanges();
        if (!set.isEmpty()) {
            for (String part : set.split(",")) {
                int colon = part.indexOf(':');
                long a = Long.parseLong(colon < 0 ? part : part.substring(0, colon));
                long b = colon < 0 ? a : Long.parseLong(part.substring(colon + 1));
                out.range(Math.min(a, b), Math.max(a, b));
            }
        }
        return out.toArray();
    }
}
