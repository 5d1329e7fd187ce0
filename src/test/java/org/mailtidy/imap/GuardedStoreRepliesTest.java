package org.mailtidy.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.junit.jupiter.api.Test;
import org.mailtidy.mail.StoreMode;

/** How the answer to one guarded STORE is read (RFC 7162 section 3.1.3), from the server's own lines. */
class GuardedStoreRepliesTest {

    @Test
    void cyrusFetchWithFlagsForEveryStoredMessageIsTheReportOfOurOwnStore() throws Exception {
        // Cyrus 3.6 answers +FLAGS.SILENT with FLAGS, UID and MODSEQ for every message it changed.
        GuardedStoreReplies r = new GuardedStoreReplies("1:3", StoreMode.ADD, List.of("\\Flagged"));
        assertThat(r.take(fetch("* 1 FETCH (FLAGS (\\Recent \\Flagged \\Seen kw1) UID 1 MODSEQ (4))"))).isTrue();
        assertThat(r.take(fetch("* 2 FETCH (FLAGS (\\Recent \\Flagged) UID 2 MODSEQ (5))"))).isTrue();
        assertThat(r.take(fetch("* 3 FETCH (FLAGS (\\Flagged) UID 3 MODSEQ (6))"))).isTrue();

        GuardedStoreReplies.Outcome o = r.finish("Completed");

        assertThat(o.changed()).containsExactly(1, 2, 3);
        assertThat(o.modSeqs()).containsExactly(4, 5, 6);
        assertThat(o.refused()).isEmpty();
        assertThat(o.leftAlone()).isEmpty();
    }

    @Test
    void onlyTheUidsOfTheModifiedCodeFailedUnchangedSince() throws Exception {
        GuardedStoreReplies r = new GuardedStoreReplies("1:4", StoreMode.REMOVE, List.of("$Todo"));
        r.take(fetch("* 1 FETCH (UID 1 MODSEQ (50))"));
        // the server may show the current flags of a refused message
        r.take(fetch("* 2 FETCH (FLAGS ($Todo) UID 2 MODSEQ (48))"));
        r.take(fetch("* 4 FETCH (FLAGS (\\Seen) UID 4 MODSEQ (51))"));

        GuardedStoreReplies.Outcome o = r.finish("[MODIFIED 2] Conditional STORE failed");

        assertThat(o.refused()).containsExactly(2);
        assertThat(o.changed()).containsExactly(1, 4);
        assertThat(o.modSeqs()).containsExactly(50, 51);
        assertThat(o.leftAlone()).containsExactly(2);
    }

    @Test
    void flagsThatContradictTheStoreShowAnotherClientsChangeAfterIt() throws Exception {
        GuardedStoreReplies r = new GuardedStoreReplies("5:6", StoreMode.ADD, List.of("\\Seen"));
        r.take(fetch("* 5 FETCH (FLAGS (\\Seen) UID 5 MODSEQ (10))"));
        // \Seen missing right after we added it: someone removed it again
        r.take(fetch("* 6 FETCH (FLAGS (\\Flagged) UID 6 MODSEQ (12))"));

        GuardedStoreReplies.Outcome o = r.finish("Completed");

        assertThat(o.changed()).containsExactly(5);
        assertThat(o.modSeqs()).containsExactly(10);
        assertThat(o.changedByOthers()).containsExactly(6);
        assertThat(o.refused()).isEmpty();
    }

    @Test
    void aFetchForAnotherUidOrASecondOneForTheSameUidIsAnotherClientsChange() throws Exception {
        GuardedStoreReplies r = new GuardedStoreReplies("1,3", StoreMode.REPLACE, List.of("\\Seen"));
        assertThat(r.take(fetch("* 2 FETCH (FLAGS (\\Deleted) UID 2 MODSEQ (20))"))).isFalse();
        r.take(fetch("* 1 FETCH (UID 1 MODSEQ (21))"));
        r.take(fetch("* 3 FETCH (UID 3 MODSEQ (22))"));
        r.take(fetch("* 3 FETCH (FLAGS (\\Seen) UID 3 MODSEQ (23))"));

        GuardedStoreReplies.Outcome o = r.finish("Completed");

        assertThat(o.changed()).containsExactly(1);
        assertThat(o.modSeqs()).containsExactly(21);
        assertThat(o.changedByOthers()).containsExactly(2, 3);
    }

    @Test
    void aDovecotStyleAnswerWithoutFlagsIsOurs() throws Exception {
        GuardedStoreReplies r = new GuardedStoreReplies("7:8", StoreMode.REPLACE, List.of("\\Seen", "Paid"));
        r.take(fetch("* 1 FETCH (UID 7 MODSEQ (3))"));

        GuardedStoreReplies.Outcome o = r.finish("Conditional Store completed");

        // 8 had the flags already: stored, nothing changed, no mod-sequence reported
        assertThat(o.changed()).containsExactly(7);
        assertThat(o.leftAlone()).isEmpty();
    }

    private static FetchResponse fetch(String line) throws Exception {
        return new FetchResponse(new IMAPResponse(line));
    }
}
