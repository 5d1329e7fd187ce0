package org.mailtidy.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mailtidy.schedule.AccountConnection;

class StatusPageTest {
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    @Test
    void timesAreAbsoluteWithHowLongAgoOrAhead() {
        assertThat(StatusPage.when(NOW.minusSeconds(42), NOW)).isEqualTo("2026-12-07 11:59:18 UTC (42 s ago)");
        assertThat(StatusPage.when(NOW.plusSeconds(600), NOW)).isEqualTo("2026-12-07 12:10:00 UTC (in 10 min)");
        assertThat(StatusPage.when(NOW.minusSeconds(5 * 3600), NOW)).isEqualTo("2026-12-07 07:00:00 UTC (5 h ago)");
        assertThat(StatusPage.when(NOW.minusSeconds(9 * 86400), NOW)).endsWith("(9 days ago)");
    }

    @Test
    void whatAServerSaidIsShownAsTextNeverAsMarkup() {
        AccountConnection.Snapshot account = new AccountConnection.Snapshot("work", AccountConnection.State.BACKING_OFF,
                NOW.minusSeconds(60), 3, NOW.plusSeconds(30), "server said <script>alert(1)</script> & left", null, null,
                null);
        String page = StatusPage.render(new StatusReport(NOW, false, Optional.empty(), Optional.empty(),
                Optional.empty(), List.of(account), List.of()));

        assertThat(page).startsWith("<!DOCTYPE html>").contains("Scheduler <span class=\"bad\">stopped</span>")
                .contains("<td>work</td>").contains("<span class=\"bad\">down</span>")
                .contains("<span class=\"bad\">backing_off</span>")
                .contains("server said &lt;script&gt;alert(1)&lt;/script&gt; &amp; left")
                .doesNotContain("<script>").contains("no rules scheduled").contains("none loaded");
    }
}
