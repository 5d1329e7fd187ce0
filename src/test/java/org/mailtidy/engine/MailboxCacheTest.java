package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailtidy.engine.cache.MailboxCache;
import org.mailtidy.engine.cache.TableColumns;
import org.mailtidy.imap.MessageTable;

/** The cache file's format and the refresh of a cached table, without a server. */
class MailboxCacheTest {
    @TempDir
    Path dir;

    private static final List<List<String>> SETS = List.of(List.of(), List.of("\\Seen"), List.of("\\Seen", "$Todo"));

    private static MessageTable table(long... uids) {
        int[] ids = new int[uids.length];
        long[] dates = new long[uids.length];
        long[] sizes = new long[uids.length];
        for (int i = 0; i < uids.length; i++) {
            ids[i] = (int) (uids[i] % 3);
            dates[i] = 1_700_000_000_000L + uids[i] * 1000;
            sizes[i] = 100 + uids[i] % 1000;
        }
        return new MessageTable(uids, ids, SETS, dates, sizes);
    }

    private static MailboxCache cache(MessageTable t, Map<String, long[]> searches) {
        return cache(t, searches, Map.of());
    }

    private static MailboxCache cache(MessageTable t, Map<String, long[]> searches,
                                      Map<String, MailboxCache.RegexAnswer> regexes) {
        return new MailboxCache("u@h:143", 42, 9_000_000_001L, t.size() == 0 ? 0 : t.uids()[t.size() - 1] + 5,
                TableColumns.wrap(t), searches, regexes);
    }

    private static MailboxCache.RegexAnswer regex(long[] evaluated, long[] matching) {
        return new MailboxCache.RegexAnswer(evaluated, matching);
    }

    private static String describe(MessageTable t) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < t.size(); i++) {
            sb.append(t.uids()[i]).append(t.flags(i)).append('@').append(t.internalDates()[i]).append('/')
                    .append(t.sizes()[i]).append(' ');
        }
        return sb.toString();
    }

    @Test
    void aWrittenCacheReadsBackEqual() throws Exception {
        MessageTable t = table(1, 2, 3, 7, 4_294_967_295L);
        Map<String, long[]> searches = new LinkedHashMap<>();
        searches.put("FROM \"a\"", new long[] {1, 3, 7, 7});
        searches.put("CHARSET UTF-8 SUBJECT {2}\r\nü", new long[0]);
        Path file = dir.resolve("c/acct/x.bin");
        cache(t, searches).write(file);

        MailboxCache back = MailboxCache.read(file, 0);
        assertThat(back.server()).isEqualTo("u@h:143");
        assertThat(back.uidValidity()).isEqualTo(42);
        assertThat(back.highestModSeq()).isEqualTo(9_000_000_001L);
        assertThat(back.maxUid()).isEqualTo(4_294_967_300L);
        assertThat(describe(back.table().toTable())).isEqualTo(describe(t));
        assertThat(back.searches()).containsOnlyKeys(searches.keySet());
        assertThat(back.searches().get("FROM \"a\"")).containsExactly(1, 3, 7, 7);
        assertThat(Files.list(file.getParent())).containsExactly(file);
    }

    @Test
    void anEmptyMailboxRoundTrips() throws Exception {
        Path file = dir.resolve("empty.bin");
        cache(table(), Map.of()).write(file);
        MailboxCache back = MailboxCache.read(file, 10);
        assertThat(back.table().size()).isZero();
        assertThat(back.searches()).isEmpty();
    }

    @Test
    void everyTruncationAndEveryFlippedByteIsRefusedNotThrownAsSomethingElse() throws Exception {
        Path file = dir.resolve("x.bin");
        cache(table(1, 2, 5, 9), Map.of("TEXT \"x\"", new long[] {2, 5}),
                Map.of("regex/1 flags=0 subject: x", regex(new long[] {1, 2, 9, 9}, new long[] {9, 9}))).write(file);
        byte[] good = Files.readAllBytes(file);
        Path bad = dir.resolve("bad.bin");
        for (int length = 0; length < good.length; length++) {
            Files.write(bad, Arrays.copyOf(good, length));
            assertThatThrownBy(() -> MailboxCache.read(bad, 0)).as("cut at %d", length)
                    .isInstanceOf(MailboxCache.Unreadable.class);
        }
        for (int i = 0; i < good.length; i++) {
            byte[] flipped = good.clone();
            flipped[i] ^= 0x10;
            Files.write(bad, flipped);
            assertThatThrownBy(() -> MailboxCache.read(bad, 0)).as("byte %d flipped", i)
                    .isInstanceOf(MailboxCache.Unreadable.class);
        }
        Files.write(bad, Arrays.copyOf(good, good.length + 1));
        assertThatThrownBy(() -> MailboxCache.read(bad, 0)).isInstanceOf(MailboxCache.Unreadable.class);
    }

    @Test
    void anotherVersionOrAnotherFileIsRefusedWithTheReason() throws Exception {
        Path file = dir.resolve("x.bin");
        cache(table(1), Map.of()).write(file);
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer.wrap(bytes).putInt(4, MailboxCache.VERSION + 1);
        Files.write(file, bytes);
        assertThatThrownBy(() -> MailboxCache.read(file, 0)).isInstanceOf(MailboxCache.Unreadable.class)
                .hasMessage("cache format version %d, this mailtidy reads %d", MailboxCache.VERSION + 1,
                        MailboxCache.VERSION);
        Files.writeString(file, "hello, this is not a cache file at all");
        assertThatThrownBy(() -> MailboxCache.read(file, 0)).isInstanceOf(MailboxCache.Unreadable.class)
                .hasMessage("not a mailtidy cache file");
    }

    @Test
    void regexAnswersRoundTripAsGapsAndLengthsUpToTheHighestUid() throws Exception {
        MessageTable t = table(1, 2, 3, 200, 201, 70_000, 4_294_967_295L);
        Map<String, MailboxCache.RegexAnswer> regexes = new LinkedHashMap<>();
        long[] evaluated = {1, 3, 200, 200, 70_000, 4_294_967_295L};
        long[] matching = {2, 3, 70_000, 70_000, 4_294_967_295L, 4_294_967_295L};
        regexes.put("regex/1 flags=2 subject: invoice #[0-9]+", regex(evaluated, matching));
        regexes.put("regex/1 flags=0 x-spam-score: ^[5-9]", regex(new long[] {200, 201}, new long[0]));
        regexes.put("regex/1 flags=0 from: nobody", regex(new long[0], new long[0]));
        Path file = dir.resolve("regex.bin");
        cache(t, Map.of(), regexes).write(file);

        MailboxCache back = MailboxCache.read(file, 0);

        assertThat(back.regexes()).containsOnlyKeys(regexes.keySet());
        assertThat(back.regexes().keySet()).containsExactlyElementsOf(regexes.keySet());
        regexes.forEach((key, answer) -> {
            assertThat(back.regexes().get(key).evaluated()).as(key).containsExactly(answer.evaluated());
            assertThat(back.regexes().get(key).matching()).as(key).containsExactly(answer.matching());
        });
    }

    @Test
    void scatteredRegexAnswersCostAFewBytesARange() throws Exception {
        // Every third message of 30,000 evaluated, every sixth matching: 10,000 and 5,000 ranges.
        long[] uids = new long[30_000];
        Arrays.setAll(uids, i -> i + 1);
        long[] evaluated = new long[20_000];
        long[] matching = new long[10_000];
        for (int k = 0; k < 10_000; k++) {
            evaluated[2 * k] = evaluated[2 * k + 1] = 3L * k + 1;
        }
        for (int k = 0; k < 5_000; k++) {
            matching[2 * k] = matching[2 * k + 1] = 6L * k + 1;
        }
        Path with = dir.resolve("with.bin");
        Path without = dir.resolve("without.bin");
        cache(table(uids), Map.of(), Map.of("regex/1 flags=0 subject: x", regex(evaluated, matching))).write(with);
        cache(table(uids), Map.of()).write(without);

        long regexBytes = Files.size(with) - Files.size(without);

        assertThat(regexBytes).isLessThan(2 * 15_000 + 100);
        assertThat(MailboxCache.read(with, 0).regexes().get("regex/1 flags=0 subject: x").matching())
                .containsExactly(matching);
    }

    @Test
    void regexAnswersThatCannotBeTrueMakeTheFileUnreadableEvenWithAGoodChecksum() throws Exception {
        Path file = dir.resolve("x.bin");
        MessageTable t = table(1, 2, 3, 8);
        cache(t, Map.of(), Map.of("k", regex(new long[] {1, 2}, new long[] {2, 3}))).write(file);
        assertThatThrownBy(() -> MailboxCache.read(file, 0)).isInstanceOf(MailboxCache.Unreadable.class)
                .hasMessage("a regex match outside the evaluated UIDs");
        cache(t, Map.of(), Map.of("k", regex(new long[] {1, 2, 100, 100}, new long[0]))).write(file);
        assertThatThrownBy(() -> MailboxCache.read(file, 0)).isInstanceOf(MailboxCache.Unreadable.class)
                .hasMessage("regex ranges above the covered UIDs");
        cache(t, Map.of(), Map.of("k", regex(new long[] {1, 3, 3, 8}, new long[0]))).write(file);
        assertThatThrownBy(() -> MailboxCache.read(file, 0)).isInstanceOf(MailboxCache.Unreadable.class)
                .hasMessage("regex ranges out of order");
    }

    @Test
    void withinMeansEveryInnerRangeInsideOneOuterRange() {
        long[] outer = {1, 5, 8, 8, 20, 30};
        assertThat(MailboxCache.within(new long[0], outer)).isTrue();
        assertThat(MailboxCache.within(new long[] {1, 2, 5, 5, 8, 8, 21, 30}, outer)).isTrue();
        assertThat(MailboxCache.within(new long[] {5, 8}, outer)).isFalse();
        assertThat(MailboxCache.within(new long[] {6, 6}, outer)).isFalse();
        assertThat(MailboxCache.within(new long[] {30, 31}, outer)).isFalse();
        assertThat(MailboxCache.within(new long[] {31, 31}, outer)).isFalse();
        assertThat(MailboxCache.within(new long[] {1, 1}, new long[0])).isFalse();
    }

    @Test
    void aRefreshDropsVanishedMessagesSetsChangedFlagsAndAppendsNewMail() throws IOException {
        TableColumns columns = TableColumns.wrap(table(1, 2, 3, 4, 5, 6, 10));
        // 2, 5 and 6 were expunged; 4 gained $Todo, 10 lost its flags; 11 and 12 arrived.
        assertThat(columns.retainOnly(new long[] {1, 1, 3, 4, 10, 10})).isTrue();
        assertThat(columns.updateFlags(flagUpdates(new long[] {10, 4}, List.of(List.of("\\Seen", "$Todo"),
                List.of()), new int[] {1, 0}))).isTrue();
        columns.append(table(10, 11, 12));
        MessageTable t = columns.toTable();
        assertThat(t.uids()).containsExactly(1, 3, 4, 10, 11, 12);
        assertThat(List.of(t.flags(0), t.flags(1), t.flags(2), t.flags(3), t.flags(4), t.flags(5))).containsExactly(
                List.of("\\Seen"), List.of(), List.of("\\Seen", "$Todo"), List.of(), List.of("\\Seen", "$Todo"),
                List.of());
        assertThat(t.sizes()).containsExactly(101, 103, 104, 110, 111, 112);
        assertThat(t.flagSets()).hasSize(3);
    }

    @Test
    void vanishedRangesRemoveTheCachedMessagesInThemAndIgnoreUidsTheCacheNeverHad() {
        TableColumns columns = TableColumns.wrap(table(1, 3, 4, 5, 8, 9, 12));
        // QRESYNC may name long-gone UIDs again (2, 6, 7, 10, 11, 13): only 3, 4, 8 and 12 go.
        assertThat(columns.removeAll(new long[] {2, 4, 6, 8, 10, 13})).isEqualTo(4);
        MessageTable t = columns.toTable();
        assertThat(t.uids()).containsExactly(1, 5, 9);
        assertThat(t.sizes()).containsExactly(101, 105, 109);
        assertThat(TableColumns.wrap(table(1, 2)).removeAll(new long[0])).isZero();
        assertThat(TableColumns.wrap(table(5, 6)).removeAll(new long[] {1, 4, 7, 9})).isZero();
    }

    @Test
    void aServerUidTheCacheDoesNotKnowMakesTheRefreshFail() {
        assertThat(TableColumns.wrap(table(1, 2, 4)).retainOnly(new long[] {1, 3})).isFalse();
        assertThat(TableColumns.wrap(table(1, 2, 4)).updateFlags(flagUpdates(new long[] {3}, SETS, new int[] {1})))
                .isFalse();
    }

    @Test
    void flagSetsNoMessageUsesAreDroppedAndTheArraysHandedOverWhenFull() {
        MessageTable t = table(3, 6, 9); // every message in flag set 0
        TableColumns columns = TableColumns.wrap(t);
        MessageTable out = columns.toTable();
        assertThat(out.flagSets()).containsExactly(List.of());
        assertThat(out.uids()).isSameAs(t.uids());
    }

    @Test
    void searchAnswersBecomeRangesOverConsecutiveMessagesAndBack() {
        long[] uids = {1, 2, 5, 6, 9, 20, 21};
        BitSet matched = new BitSet();
        matched.set(0, 4); // 1, 2, 5, 6: one range despite the gap of expunged 3 and 4
        matched.set(5);
        long[] ranges = CachedRanges.toRanges(uids, matched);
        assertThat(ranges).containsExactly(1, 6, 20, 20);
        // After 2 vanished and 22, 23 arrived, the cached answer covers only UIDs up to 21.
        long[] now = {1, 5, 6, 9, 20, 21, 22, 23};
        BitSet back = CachedRanges.fromRanges(now, ranges, 21);
        assertThat(back.stream().toArray()).containsExactly(0, 1, 2, 4);
        assertThat(CachedRanges.firstAbove(now, 21)).isEqualTo(6);
        assertThat(CachedRanges.firstAbove(now, 30)).isEqualTo(8);
    }

    @Test
    void aRandomRefreshEqualsTheTableBuiltFromScratch() {
        Random random = new Random(6);
        for (int round = 0; round < 200; round++) {
            int n = random.nextInt(60);
            long[] uids = new Random(round).longs(n, 1, 200).distinct().sorted().toArray();
            MessageTable before = table(uids);
            long maxUid = uids.length == 0 ? 0 : uids[uids.length - 1];
            long[] survivors = Arrays.stream(uids).filter(u -> random.nextInt(4) > 0).toArray();
            long[] added = random.longs(random.nextInt(5), maxUid + 1, maxUid + 50).distinct().sorted().toArray();
            long[] changed = Arrays.stream(survivors).filter(u -> random.nextInt(3) == 0).toArray();
            int[] newSets = Arrays.stream(changed).mapToInt(u -> (int) ((u + 1) % 3)).toArray();

            TableColumns columns = TableColumns.wrap(before);
            assertThat(columns.retainOnly(asRanges(survivors))).isTrue();
            assertThat(columns.updateFlags(flagUpdates(changed, SETS, newSets))).isTrue();
            columns.append(table(added));
            MessageTable refreshed = columns.toTable();

            long[] expectedUids = java.util.stream.LongStream.concat(Arrays.stream(survivors), Arrays.stream(added))
                    .toArray();
            MessageTable expected = table(expectedUids);
            assertThat(refreshed.uids()).containsExactly(expectedUids);
            for (int i = 0; i < refreshed.size(); i++) {
                long uid = refreshed.uids()[i];
                int c = Arrays.binarySearch(changed, uid);
                List<String> flags = c >= 0 ? SETS.get(newSets[c]) : expected.flags(i);
                assertThat(refreshed.flags(i)).as("uid %d round %d", uid, round).isEqualTo(flags);
                assertThat(refreshed.sizes()[i]).isEqualTo(expected.sizes()[i]);
                assertThat(refreshed.internalDates()[i]).isEqualTo(expected.internalDates()[i]);
            }
        }
    }

    private static long[] asRanges(long[] sortedUids) {
        java.util.stream.LongStream.Builder out = java.util.stream.LongStream.builder();
        for (int i = 0; i < sortedUids.length; ) {
            int j = i;
            while (j + 1 < sortedUids.length && sortedUids[j + 1] == sortedUids[j] + 1) {
                j++;
            }
            out.add(sortedUids[i]).add(sortedUids[j]);
            i = j + 1;
        }
        return out.build().toArray();
    }

    private static org.mailtidy.imap.FlagUpdates flagUpdates(long[] uids, List<List<String>> sets, int[] ids) {
        return new org.mailtidy.imap.FlagUpdates(uids, ids, sets);
    }
}
