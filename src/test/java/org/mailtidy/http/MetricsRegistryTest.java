package org.mailtidy.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MetricsRegistryTest {

    @Test
    void writesTheTextExpositionFormat() {
        MetricsRegistry r = new MetricsRegistry();
        MetricsRegistry.Counter runs = r.counter("mailtidy_runs_total", "Mailbox runs", "account", "mailbox");
        MetricsRegistry.Gauge up = r.gauge("mailtidy_up", "1 while up");
        MetricsRegistry.Histogram took = r.histogram("mailtidy_run_duration_seconds", "Durations",
                new double[] {0.1, 1, 2.5}, "account");
        runs.labels("work", "INBOX").inc();
        runs.labels("work", "INBOX").inc(2);
        runs.labels("home", "Lists/\"x\"\\y\nz").inc();
        up.labels().set(1);
        took.labels("work").observe(0.0625);
        took.labels("work").observe(2);
        took.labels("work").observe(7.25);

        assertThat(r.scrape()).isEqualTo("""
                # HELP mailtidy_runs_total Mailbox runs
                # TYPE mailtidy_runs_total counter
                mailtidy_runs_total{account="home",mailbox="Lists/\\"x\\"\\\\y\\nz"} 1
                mailtidy_runs_total{account="work",mailbox="INBOX"} 3
                # HELP mailtidy_up 1 while up
                # TYPE mailtidy_up gauge
                mailtidy_up 1
                # HELP mailtidy_run_duration_seconds Durations
                # TYPE mailtidy_run_duration_seconds histogram
                mailtidy_run_duration_seconds_bucket{account="work",le="0.1"} 1
                mailtidy_run_duration_seconds_bucket{account="work",le="1"} 1
                mailtidy_run_duration_seconds_bucket{account="work",le="2.5"} 2
                mailtidy_run_duration_seconds_bucket{account="work",le="+Inf"} 3
                mailtidy_run_duration_seconds_sum{account="work"} 9.3125
                mailtidy_run_duration_seconds_count{account="work"} 3
                """);
    }

    @Test
    void retainDropsTheSeriesThatFailThePredicateAndKeepsTheOthers() {
        MetricsRegistry r = new MetricsRegistry();
        MetricsRegistry.Counter runs = r.counter("mailtidy_runs_total", "Mailbox runs", "account", "mailbox");
        runs.labels("a", "INBOX").inc();
        runs.labels("a", "Old").inc(3);
        runs.retain(labels -> !labels.get(1).equals("Old"));
        assertThat(r.scrape()).contains("mailtidy_runs_total{account=\"a\",mailbox=\"INBOX\"} 1")
                .doesNotContain("Old");
        runs.labels("a", "Old").inc();
        assertThat(r.scrape()).contains("mailtidy_runs_total{account=\"a\",mailbox=\"Old\"} 1");
    }

    @Test
    void familiesWithoutSeriesShowOnlyTheirHeader() {
        MetricsRegistry r = new MetricsRegistry();
        r.counter("mailtidy_x_total", "X\\Y\nZ", "account");
        assertThat(r.scrape()).isEqualTo("# HELP mailtidy_x_total X\\\\Y\\nZ\n# TYPE mailtidy_x_total counter\n");
    }

    @Test
    void rejectsWhatPrometheusWouldReject() {
        MetricsRegistry r = new MetricsRegistry();
        r.counter("mailtidy_a_total", "a");
        assertThatThrownBy(() -> r.counter("mailtidy_a_total", "again")).hasMessageContaining("twice");
        assertThatThrownBy(() -> r.gauge("mailtidy-b", "b")).hasMessageContaining("invalid metric name");
        assertThatThrownBy(() -> r.gauge("mailtidy_c", "c", "le")).hasMessageContaining("invalid label name");
        MetricsRegistry.Counter c = r.counter("mailtidy_d_total", "d", "account");
        assertThatThrownBy(() -> c.labels("a", "b")).hasMessageContaining("has labels [account]");
        assertThatThrownBy(() -> c.labels("a").inc(-1)).hasMessageContaining("cannot go down");
    }

    @Test
    void formatsSpecialValues() {
        assertThat(MetricsRegistry.format(Double.NaN)).isEqualTo("NaN");
        assertThat(MetricsRegistry.format(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
        assertThat(MetricsRegistry.format(1.7e9)).isEqualTo("1700000000");
        assertThat(MetricsRegistry.format(1.5)).isEqualTo("1.5");
    }
}
