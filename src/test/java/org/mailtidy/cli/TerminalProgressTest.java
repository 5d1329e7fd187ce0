package org.mailtidy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TerminalProgressTest {
    private static final long SECOND = 1_000_000_000L;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final AtomicLong now = new AtomicLong(1000 * SECOND);
    private final TerminalProgress progress = new TerminalProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8),
            now::get, false);

    private String drawn() {
        String s = bytes.toString(StandardCharsets.UTF_8);
        bytes.reset();
        return s;
    }

    @Test
    void aPhaseIsShownOnlyOnceItHasLastedTwoSecondsAndClearedWhenItEnds() {
        progress.phase("personal", "INBOX", "reading 100,000 messages");
        now.addAndGet(SECOND);
        progress.render();
        assertThat(drawn()).isEmpty();

        now.addAndGet(2 * SECOND);
        progress.render();
        assertThat(drawn()).isEqualTo("\u001b[Kpersonal INBOX: reading 100,000 messages ... 3 s\r");

        progress.phase("personal", "INBOX", "saving 2,000 messages to backup_dir");
        progress.step(500, 2000);
        progress.render();
        assertThat(drawn()).as("a new phase starts its own two seconds").isEqualTo("\u001b[K");
        now.addAndGet(2 * SECOND);
        progress.render();
        assertThat(drawn()).isEqualTo("\u001b[Kpersonal INBOX: saving 2,000 messages to backup_dir (500 of 2,000) ... 2 s\r");

        progress.idle();
        progress.render();
        assertThat(drawn()).isEqualTo("\u001b[K");
        progress.render();
        assertThat(drawn()).as("nothing to clear twice").isEmpty();
    }

    @Test
    void withSeveralRunsTheLongestIsShownAndTheOthersCounted() throws Exception {
        progress.phase("work", "INBOX", "reading 5 messages");
        now.addAndGet(SECOND);
        CompletableFuture.runAsync(() -> progress.phase("personal", "Lists/dev", "sending the changes")).get();
        now.addAndGet(2 * SECOND);
        progress.render();
        assertThat(drawn()).isEqualTo("\u001b[Kwork INBOX: reading 5 messages ... 3 s (and 1 more mailbox running)\r");
        progress.close();
        assertThat(drawn()).isEqualTo("\u001b[K");
    }
}
