package org.mailtidy.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** deploy/: the alert rules pass promtool, and both files only name metrics that exist. */
public class DeployFilesTest {
    public static final Path ALERTS = Path.of("deploy", "prometheus", "mailtidy-alerts.yml");
    public static final Path DASHBOARD = Path.of("deploy", "grafana", "mailtidy.json");
    private static final Pattern METRIC = Pattern.compile("\\b((?:mailtidy|jvm|process)_[a-z_]+)");

    @Test
    void promtoolAcceptsTheAlertRules() throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        assertThat(promtool).as("bin/test installs Debian's prometheus package, which has promtool").isExecutable();
        Process p = new ProcessBuilder(promtool.toString(), "check", "rules", ALERTS.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("SUCCESS: 7 rules found");
    }

    @Test
    void theDashboardIsAnImportableGrafanaDashboard() throws Exception {
        String json = Files.readString(DASHBOARD);
        assertThat(json).contains("\"__inputs\"", "\"DS_PROMETHEUS\"", "\"panels\"", "\"uid\": \"mailtidy\"");
        assertThat(metricNames()).contains("mailtidy_runs_total", "mailtidy_account_up", "jvm_memory_used_bytes");
    }

    /**
     * Every metric name the rules and the dashboard use, as a scrape shows it (a histogram's
     * {@code _bucket} series under its family's samples).
     */
    public static Set<String> metricNames() throws Exception {
        Set<String> names = new TreeSet<>();
        for (Path file : new Path[] {ALERTS, DASHBOARD}) {
            Matcher m = METRIC.matcher(Files.readString(file));
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }
}
