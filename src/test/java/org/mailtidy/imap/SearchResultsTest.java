package org.mailtidy.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.junit.jupiter.api.Test;

class SearchResultsTest {

    /** The ranges a response line delivers, as "first-last" strings; null when it is no search answer. */
    private static List<String> ranges(String line) throws Exception {
        List<String> out = new ArrayList<>();
        boolean read = SearchResults.read(new IMAPResponse(line), (first, last) -> out.add(first + "-" + last));
        return read ? out : null;
    }

    @Test
    void esearchAllIsReadAsRangesWithoutStar() throws Exception {
        assertThat(ranges("* ESEARCH (TAG \"A282\") UID ALL 1:3,7,10:12")).containsExactly("1-3", "7-7", "10-12");
        assertThat(ranges("* ESEARCH UID ALL 4294967290:4294967295")).containsExactly("4294967290-4294967295");
    }

    @Test
    void esearchRangesMayComeReversedAndBesideOtherReturnItems() throws Exception {
        assertThat(ranges("* ESEARCH (TAG \"A1\") UID MIN 2 ALL 9:7,2 COUNT 4 MODSEQ 917162500"))
                .containsExactly("7-9", "2-2");
    }

    @Test
    void anEmptyResultHasNoAllItem() throws Exception {
        assertThat(ranges("* ESEARCH (TAG \"A5\") UID")).isEmpty();
        assertThat(ranges("* SEARCH")).isEmpty();
    }

    @Test
    void aStarInTheResultReachesTheLargestUid() throws Exception {
        assertThat(ranges("* ESEARCH (TAG \"A1\") UID ALL 5:*")).containsExactly("5-4294967295");
    }

    @Test
    void plainSearchGivesOneRangePerUidAndStopsAtModseq() throws Exception {
        assertThat(ranges("* SEARCH 2 3 7")).containsExactly("2-2", "3-3", "7-7");
        assertThat(ranges("* SEARCH 2 5 (MODSEQ 917162500)")).containsExactly("2-2", "5-5");
    }

    @Test
    void otherResponsesAreLeftToTheirHandlers() throws Exception {
        assertThat(ranges("* 3 EXISTS")).isNull();
        assertThat(ranges("* OK [UIDVALIDITY 3] ok")).isNull();
    }

    @Test
    void aMalformedSetIsRefused() {
        assertThatThrownBy(() -> ranges("* ESEARCH UID ALL 1:x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ranges("* ESEARCH UID ALL 0:3")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ranges("* ESEARCH UID ALL 4294967296")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bothFormsLandOnTheSnapshotIndexes() throws Exception {
        long[] snapshot = {2, 3, 5, 8, 13, 21};
        UidIndexBits esearch = new UidIndexBits(snapshot);
        SearchResults.read(new IMAPResponse("* ESEARCH (TAG \"A1\") UID ALL 1:4,6:13,20:30"), esearch);
        UidIndexBits search = new UidIndexBits(snapshot);
        SearchResults.read(new IMAPResponse("* SEARCH 1 2 3 4 6 7 8 9 10 11 12 13 20 21 22"), search);
        BitSet expected = new BitSet();
        expected.set(0, 2);
        expected.set(3, 6);
        assertThat(esearch.bits()).isEqualTo(expected);
        assertThat(search.bits()).isEqualTo(expected);
    }
}
