package org.mailtidy.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.junit.jupiter.api.Test;

/** Reading QRESYNC's VANISHED response (RFC 7162 section 3.2.10) without disturbing Angus's own reading. */
class VanishedTest {
    @Test
    void earlierNamesTheUidsExpungedSinceAndRemovesNothingFromTheCount() throws Exception {
        IMAPResponse r = new IMAPResponse("* VANISHED (EARLIER) 41,43:116,118");
        UidRanges ranges = new UidRanges();

        assertThat(Vanished.is(r)).isTrue();
        assertThat(Vanished.read(r, ranges)).isTrue();
        assertThat(ranges.toArray()).containsExactly(41, 41, 43, 116, 118, 118);
        assertThat(Vanished.expunged(r)).isZero();
    }

    @Test
    void withoutEarlierEachUidIsOneMessageLessAndTheResponseStaysUnreadForAngus() throws Exception {
        IMAPResponse r = new IMAPResponse("* VANISHED 5:7,9");
        UidRanges ranges = new UidRanges();

        assertThat(Vanished.read(r, ranges)).isFalse();
        assertThat(ranges.toArray()).containsExactly(5, 7, 9, 9);
        assertThat(Vanished.expunged(r)).isEqualTo(4);
        // What Angus's handler reads next: no "(EARLIER)", then the set.
        assertThat(r.readAtomStringList()).isNull();
        assertThat(r.readAtom()).isEqualTo("5:7,9");
    }

    @Test
    void otherResponsesAreNotVanished() throws Exception {
        assertThat(Vanished.is(new IMAPResponse("* 3 EXPUNGE"))).isFalse();
        assertThat(Vanished.is(new IMAPResponse("* OK [HIGHESTMODSEQ 12] done"))).isFalse();
    }

    @Test
    void aMalformedSetIsRefusedWithAnException() throws Exception {
        assertThatThrownBy(() -> Vanished.expunged(new IMAPResponse("* VANISHED 0:x")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
