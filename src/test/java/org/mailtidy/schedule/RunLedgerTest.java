package org.mailtidy.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mailtidy.engine.RunResult;

class RunLedgerTest {
    private static final ScheduleKey NIGHTLY = new ScheduleKey("cron 0 0 3 ? * * | 0 0 3 1 * ?", "0 3 1 * 1");
    private static final ScheduleKey OTHER = new ScheduleKey("every 60000ms", "every 1m");
    private static final Instant T = Instant.parse("2026-03-02T03:00:00Z");

    private static RunResult result(String mailbox, boolean ok) {
        return new RunResult("a", mailbox, ok ? RunResult.Status.OK : RunResult.Status.FAILED, 3, List.of(),
                Duration.ofMillis(40), Map.of(), List.of(), List.of(), ok ? Optional.empty() : Optional.of("boom"));
    }

    @Test
    void aSecondTriggerDueAtTheSameInstantFindsTheRunDone() {
        RunLedger ledger = new RunLedger();
        assertThat(ledger.coveredSince("a", "INBOX", NIGHTLY, T)).isFalse();
        ledger.finished(NIGHTLY, T.plusMillis(3), result("INBOX", true), true);
        assertThat(ledger.coveredSince("a", "INBOX", NIGHTLY, T)).isTrue();
        assertThat(ledger.coveredSince("a", "inbox", NIGHTLY, T)).isTrue();
        assertThat(ledger.coveredSince("a", "INBOX", OTHER, T)).isFalse();
        assertThat(ledger.coveredSince("a", "Other", NIGHTLY, T)).isFalse();
        assertThat(ledger.coveredSince("a", "INBOX", NIGHTLY, T.plusSeconds(1))).isFalse();
    }

    @Test
    void aRunThatNeverReachedTheServerCoversNothing() {
        RunLedger ledger = new RunLedger();
        ledger.finished(NIGHTLY, T.plusMillis(3), result("INBOX", false), false);
        assertThat(ledger.coveredSince("a", "INBOX", NIGHTLY, T)).isFalse();
        assertThat(ledger.entry("a", "INBOX").orElseThrow().lastResult().ok()).isFalse();
    }

    @Test
    void keepsTheLastSuccessAcrossFailures() {
        RunLedger ledger = new RunLedger();
        ledger.started("a", "INBOX", T);
        assertThat(ledger.entry("a", "INBOX").orElseThrow().runningSince()).isEqualTo(T);
        ledger.finished(NIGHTLY, T, result("INBOX", true), true);
        ledger.finished(NIGHTLY, T.plusSeconds(60), result("INBOX", false), true);
        RunLedger.Entry e = ledger.entry("a", "INBOX").orElseThrow();
        assertThat(e.lastSuccess()).isEqualTo(T.plusMillis(40));
        assertThat(e.lastStarted()).isEqualTo(T.plusSeconds(60));
        assertThat(e.runningSince()).isNull();
        assertThat(ledger.matching("a", "*")).extracting(RunLedger.Entry::mailbox).containsExactly("INBOX");
        assertThat(ledger.matching("a", "Lists/*")).isEmpty();
    }
}
