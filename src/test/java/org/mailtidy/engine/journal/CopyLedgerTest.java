package org.mailtidy.engine.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailtidy.mail.UidSet;

/** The copy-once record: round trip, merging, pruning, UIDVALIDITY, damage, size. */
class CopyLedgerTest {
    @TempDir
    Path dir;

    private CopyLedger ledger() {
        return new CopyLedger(dir.resolve("copied/acct/494e424f58.bin"));
    }

    @Test
    void recordsMergeAndReadBackByRuleAndDestination() throws IOException {
        CopyLedger ledger = ledger();
        ledger.update(9, List.of(new CopyLedger.Made("receipts", "Receipts", UidSet.of(1, 2, 3, 7))), null, 0);
        ledger.update(9, List.of(new CopyLedger.Made("receipts", "Receipts", UidSet.of(3, 8, 20)),
                new CopyLedger.Made("receipts", "Books", UidSet.of(5)),
                new CopyLedger.Made("backup", "Receipts", UidSet.of(4294967295L))), null, 0);

        CopyLedger.Records r = ledger.read(9);

        assertThat(r.uids("receipts", "Receipts").toArray()).containsExactly(1, 2, 3, 7, 8, 20);
        assertThat(r.uids("receipts", "Books").toArray()).containsExactly(5);
        assertThat(r.uids("backup", "Receipts").toArray()).containsExactly(4294967295L);
        assertThat(r.uids("backup", "Books").toArray()).isEmpty();
    }

    @Test
    void anotherUidValidityReadsAsNothingAndIsReplacedByTheNextUpdate() throws IOException {
        CopyLedger ledger = ledger();
        ledger.update(9, List.of(new CopyLedger.Made("r", "M", UidSet.of(1, 2))), null, 0);

        assertThat(ledger.read(10).copied()).isEmpty();
        ledger.update(10, List.of(new CopyLedger.Made("r", "M", UidSet.of(5))), null, 0);

        assertThat(ledger.stored()).hasValueSatisfying(s -> {
            assertThat(s.uidValidity()).isEqualTo(10);
            assertThat(s.uids("r", "M").toArray()).containsExactly(5);
        });
    }

    @Test
    void aFullRunPrunesWhatVanishedBelowWhatItSawButNotNewerRecords() throws IOException {
        CopyLedger ledger = ledger();
        ledger.update(9, List.of(new CopyLedger.Made("r", "M", UidSet.of(1, 2, 3, 10, 11))), null, 0);

        // The run saw UIDs below 10; 2 is gone. 10 and 11 came from a run that saw newer mail.
        ledger.update(9, List.of(), new long[] {1, 3, 4}, 10);

        assertThat(ledger.read(9).uids("r", "M").toArray()).containsExactly(1, 3, 10, 11);

        ledger.update(9, List.of(), new long[] {}, 20);
        assertThat(ledger.stored()).isEmpty();
        assertThat(ledger.file()).doesNotExist();
    }

    @Test
    void aDamagedOrTruncatedFileIsAnErrorNotAnEmptyRecord() throws IOException {
        CopyLedger ledger = ledger();
        ledger.update(9, List.of(new CopyLedger.Made("r", "M", UidSet.of(1, 5, 9))), null, 0);
        byte[] good = Files.readAllBytes(ledger.file());
        Files.write(ledger.file(), java.util.Arrays.copyOf(good, good.length - 1));

        assertThatThrownBy(() -> ledger.read(9)).isInstanceOf(IOException.class).hasMessageContaining("truncated");

        Files.write(ledger.file(), new byte[] {'h', 'e', 'l', 'l', 'o'});
        assertThatThrownBy(() -> ledger.read(9)).isInstanceOf(IOException.class)
                .hasMessageContaining("not a mailtidy copy record");
    }

    @Test
    void scatteredCopiesTakeAFewBytesEach() throws IOException {
        CopyLedger ledger = ledger();
        long[] everyThird = LongStream.rangeClosed(1, 3000).filter(u -> u % 3 == 0).toArray();
        long[] run = LongStream.rangeClosed(100_000, 1_100_000).toArray();
        ledger.update(9, List.of(new CopyLedger.Made("receipts", "Receipts", UidSet.of(everyThird)),
                new CopyLedger.Made("backup", "Backup", UidSet.of(run))), null, 0);

        // 1,000 scattered UIDs: 2 bytes each; a million consecutive ones: a few bytes.
        assertThat(Files.size(ledger.file())).isLessThan(2_100);
        assertThat(ledger.read(9).uids("receipts", "Receipts").toArray()).containsExactly(everyThird);
        assertThat(ledger.read(9).uids("backup", "Backup").toArray()).hasSize(1_000_001);
    }

    @Test
    void anUpdateThatChangesNothingLeavesTheFileAlone() throws IOException {
        CopyLedger ledger = ledger();
        ledger.update(9, List.of(new CopyLedger.Made("r", "M", UidSet.of(1, 2))), null, 0);
        java.nio.file.attribute.FileTime before = java.nio.file.attribute.FileTime.fromMillis(1000);
        Files.setLastModifiedTime(ledger.file(), before);

        ledger.update(9, List.of(new CopyLedger.Made("r", "M", UidSet.of(2))), new long[] {1, 2, 3}, 4);

        assertThat(Files.getLastModifiedTime(ledger.file())).isEqualTo(before);
    }
}
