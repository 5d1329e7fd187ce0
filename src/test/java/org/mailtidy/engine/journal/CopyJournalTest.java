package org.mailtidy.engine.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailtidy.mail.UidSet;

class CopyJournalTest {
    @TempDir
    Path dir;

    private static CopyJournal.Copy copy(String mailbox, long uidNext, boolean done, CopyJournal.Group... groups) {
        return new CopyJournal.Copy(mailbox, "rule of " + mailbox, List.of(groups), uidNext, done);
    }

    @Test
    void whatIsWrittenIsReadBack() throws IOException {
        CopyJournal journal = new CopyJournal(dir.resolve("journal/main/494e424f58.bin"));
        assertThat(journal.read()).isEmpty();
        CopyJournal.Entries entries = new CopyJournal.Entries(1795673021L, List.of(
                copy("Backup", 17, true, new CopyJournal.Group(List.of("Copied", "\\Seen"), UidSet.of(1, 2, 3, 7))),
                copy("Archiv/Straße", -1, false, new CopyJournal.Group(List.of(), UidSet.of(4294967294L)),
                        new CopyJournal.Group(List.of("Copied"), UidSet.of(5, 9, 10)))));

        journal.write(entries);
        CopyJournal.Entries back = journal.read().orElseThrow();

        assertThat(back.uidValidity()).isEqualTo(1795673021L);
        assertThat(back.copies()).hasSize(2);
        assertThat(back.copies().get(0).done()).isTrue();
        assertThat(back.copies().get(0).uidNext()).isEqualTo(17);
        assertThat(back.copies().get(1).mailbox()).isEqualTo("Archiv/Straße");
        assertThat(back.copies().get(1).rule()).isEqualTo("rule of Archiv/Straße");
        assertThat(back.copies().get(1).inDoubt()).isFalse();
        assertThat(back.copies().get(1).uids()).containsExactly(5, 9, 10, 4294967294L);
        assertThat(back.copies().get(1).groups().get(1).flags()).containsExactly("Copied");
        assertThat(back.copies().get(0).groups().get(0).uids()).isEqualTo(UidSet.of(1, 2, 3, 7));
        assertThat(Files.list(journal.file().getParent())).containsExactly(journal.file());
    }

    @Test
    void consecutiveUidsAreStoredAsRanges() throws IOException {
        CopyJournal journal = new CopyJournal(dir.resolve("j.bin"));
        long[] million = LongStream.rangeClosed(1, 1_000_000).toArray();

        journal.write(new CopyJournal.Entries(1, List.of(copy("B", -1, false,
                new CopyJournal.Group(List.of("Copied"), UidSet.of(million))))));

        assertThat(Files.size(journal.file())).isLessThan(100);
        assertThat(journal.read().orElseThrow().copies().get(0).uids()).isEqualTo(million);
    }

    @Test
    void keepingAndMarkingMakeNewValues() {
        CopyJournal.Copy c = copy("B", -1, false, new CopyJournal.Group(List.of("A"), UidSet.of(1, 2)),
                new CopyJournal.Group(List.of("B"), UidSet.of(3)));

        CopyJournal.Copy kept = c.keeping(Set.of(2L)).sent(40);

        assertThat(kept.groups()).hasSize(1);
        assertThat(kept.uids()).containsExactly(2);
        assertThat(kept.inDoubt()).isTrue();
        assertThat(kept.acknowledged().inDoubt()).isFalse();
        assertThat(c.uids()).containsExactly(1, 2, 3);
    }

    @Test
    void aDamagedJournalIsAnErrorNotAnEmptyJournal() throws IOException {
        CopyJournal journal = new CopyJournal(dir.resolve("j.bin"));
        journal.write(new CopyJournal.Entries(5, List.of(copy("B", 3, false,
                new CopyJournal.Group(List.of("X"), UidSet.of(1))))));
        byte[] whole = Files.readAllBytes(journal.file());
        Files.write(journal.file(), java.util.Arrays.copyOf(whole, whole.length - 3));

        assertThatThrownBy(journal::read).isInstanceOf(IOException.class).hasMessageContaining("truncated");

        Files.writeString(journal.file(), "not a journal at all");
        assertThatThrownBy(journal::read).isInstanceOf(IOException.class).hasMessageContaining("not a mailtidy copy journal");

        journal.delete();
        assertThat(journal.read()).isEmpty();
    }
}
