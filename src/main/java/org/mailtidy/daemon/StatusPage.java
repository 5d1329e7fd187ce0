package org.mailtidy.daemon;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Collectors;
import org.mailtidy.engine.RunResult;
import org.mailtidy.rules.RuleStats;
import org.mailtidy.schedule.AccountConnection;
import org.mailtidy.schedule.DaemonMetrics;
import org.mailtidy.schedule.QuartzJobs;
import org.mailtidy.schedule.RunLedger;

/**
 * The status page a person reads ({@code GET /}): server-rendered HTML with its style inline and
 * no script or external asset, so it works from a browser on a locked-down server and through an
 * SSH tunnel; it reloads itself every 30 seconds. The same snapshot as {@code /status}, which stays
 * for machines.
 */
final class StatusPage {
    static final int REFRESH_SECONDS = 30;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final String STYLE = """
            body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;background:#fafafa}
            h1{font-size:1.4em;margin:0 0 .2em}h2{font-size:1.1em;margin:1.5em 0 .4em}
            table{border-collapse:collapse;background:#fff;margin-bottom:.8em}
            th,td{border:1px solid #ddd;padding:.25em .6em;text-align:left;vertical-align:top}
            th{background:#f0f0f0}td.n{text-align:right;font-variant-numeric:tabular-nums}
            .ok{color:#176b2c;font-weight:600}.bad{color:#b00020;font-weight:600}.muted{color:#777}
            .err{color:#b00020;white-space:pre-wrap}""";

    private StatusPage() {
    }

    static String render(StatusReport r) {
        Html h = new Html();
        h.raw("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .raw("<meta http-equiv=\"refresh\" content=\"" + REFRESH_SECONDS + "\">")
                .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .raw("<title>mailtidy status</title><style>").raw(STYLE).raw("</style></head><body>");
        h.raw("<h1>mailtidy</h1><p>Scheduler ")
                .state(r.schedulerRunning(), r.schedulerRunning() ? "running" : "stopped")
                .raw(" · as of ").text(TIME.format(r.at())).raw(" · refreshes every " + REFRESH_SECONDS + " s</p>");
        config(h, r);
        cluster(h, r);
        accounts(h, r);
        mailboxes(h, r);
        return h.raw("</body></html>\n").toString();
    }

    private static void config(Html h, StatusReport r) {
        h.raw("<h2>Configuration</h2><p>");
        r.loaded().ifPresentOrElse(l -> h.text(l.config().file().toString()).raw(", loaded ")
                .text(when(l.loadedAt(), r.at())), () -> h.raw("none loaded"));
        h.raw("</p>");
        r.lastReload().ifPresent(reload -> {
            h.raw("<p>Last reload (").text(reload.trigger()).raw(") ").text(when(reload.at(), r.at())).raw(": ")
                    .state(reload.ok(), reload.ok() ? "applied" : "refused, the previous rules keep running")
                    .raw("</p>");
            if (!reload.errors().isEmpty()) {
                h.raw("<div class=\"err\">").text(String.join("\n", reload.errors())).raw("</div>");
            }
        });
    }

    private static void cluster(Html h, StatusReport r) {
        r.cluster().ifPresent(c -> {
            h.raw("<h2>Cluster</h2><table><tr><th>this node</th><th>configuration</th><th>applied by</th>"
                    + "<th>applied</th><th>database</th></tr><tr>");
            h.td(c.node()).td(c.configuration() == null ? "" : c.configuration()
                    + (c.clusterConfiguration() == null ? "" : " (" + c.clusterConfiguration() + ")"));
            h.td(c.appliedBy()).td(c.appliedAt() == null ? "" : when(c.appliedAt(), r.at()));
            h.raw("<td>").state(c.databaseError() == null, c.databaseError() == null ? "ok" : c.databaseError())
                    .raw("</td></tr></table>");
        });
    }

    private static void accounts(Html h, StatusReport r) {
        h.raw("<h2>Accounts</h2>");
        if (r.accounts().isEmpty()) {
            h.raw("<p class=\"muted\">no account has run yet</p>");
            return;
        }
        h.raw("<table><tr><th>account</th><th>state</th><th>connection</th><th>last used</th>"
                + "<th>failing since</th><th>attempts</th><th>next attempt</th><th>reason</th></tr>");
        for (AccountConnection.Snapshot a : r.accounts()) {
            boolean failing = a.failingSince() != null;
            h.raw("<tr>").td(a.account()).raw("<td>").state(a.up(), a.up() ? "up" : "down").raw("</td><td>")
                    .state(!failing, DaemonMetrics.stateName(a.state())).raw("</td>");
            h.td(a.lastUsed() == null ? "" : when(a.lastUsed(), r.at()));
            h.td(failing ? when(a.failingSince(), r.at()) : "").num(a.failures());
            h.td(a.nextAttempt() == null ? "" : when(a.nextAttempt(), r.at()));
            h.raw("<td class=\"err\">").text(a.reason() == null ? "" : a.reason()).raw("</td></tr>");
        }
        h.raw("</table>");
    }

    private static void mailboxes(Html h, StatusReport r) {
        h.raw("<h2>Mailboxes</h2>");
        if (r.jobs().isEmpty()) {
            h.raw("<p class=\"muted\">no rules scheduled</p>");
            return;
        }
        h.raw("<table><tr><th>account</th><th>mailbox</th><th>schedule</th><th>next run</th><th>last run</th>"
                + "<th>result</th><th>took</th><th>messages</th><th>per rule: matched / flags / copied / moved / deleted</th>"
                + "</tr>");
        for (StatusReport.JobReport job : r.jobs()) {
            String schedules = job.triggers().stream().map(QuartzJobs.TriggerInfo::schedule).distinct()
                    .collect(Collectors.joining(", "));
            String next = job.nextFireTime().map(t -> when(t, r.at())).orElse("");
            List<RunLedger.Entry> runs = job.mailboxes();
            if (runs.isEmpty()) {
                h.raw("<tr>").td(job.job().account()).td(job.job().pattern()).td(schedules).td(next)
                        .raw("<td colspan=\"5\" class=\"muted\">not run yet</td></tr>");
            }
            for (RunLedger.Entry e : runs) {
                h.raw("<tr>").td(e.account()).td(e.mailbox()).td(schedules).td(next);
                lastRun(h, e, r.at());
                h.raw("</tr>");
            }
        }
        h.raw("</table>");
    }

    private static void lastRun(Html h, RunLedger.Entry e, Instant now) {
        RunResult result = e.lastResult();
        if (result == null) {
            h.td(e.runningSince() == null ? "" : "running since " + when(e.runningSince(), now))
                    .raw("<td colspan=\"4\" class=\"muted\">no result yet</td>");
            return;
        }
        h.td(e.lastStarted() == null ? "" : when(e.lastStarted(), now));
        h.raw("<td>").state(result.ok(), result.ok() ? "ok" : "failed");
        result.error().ifPresent(err -> h.raw("<div class=\"err\">").text(err).raw("</div>"));
        h.raw("</td>").td(seconds(result.duration())).num(result.messages()).raw("<td>");
        for (RuleStats s : result.ruleStats()) {
            h.text(s.rule()).raw(": ").text(s.matched() + " / " + s.flagsChanged() + " / " + s.copied() + " / "
                    + s.moved() + " / " + s.deleted()).raw("<br>");
        }
        h.raw("</td>");
    }

    /** An absolute UTC time with how long ago (or ahead) it is, which is what a person reads first. */
    static String when(Instant t, Instant now) {
        Duration d = Duration.between(t, now);
        String relative = relative(d.abs());
        return TIME.format(t) + " (" + (d.isNegative() ? "in " + relative : relative + " ago") + ")";
    }

    private static String relative(Duration d) {
        if (d.compareTo(Duration.ofMinutes(2)) < 0) {
            return d.toSeconds() + " s";
        }
        if (d.compareTo(Duration.ofHours(2)) < 0) {
            return d.toMinutes() + " min";
        }
        if (d.compareTo(Duration.ofDays(2)) < 0) {
            return d.toHours() + " h";
        }
        return d.toDays() + " days";
    }

    private static String seconds(Duration d) {
        return d.compareTo(Duration.ofSeconds(10)) < 0 ? d.toMillis() / 1000.0 + " s"
                : d.truncatedTo(ChronoUnit.SECONDS).toSeconds() + " s";
    }

    /** Appends markup and escaped text. */
    private static final class Html {
        private final StringBuilder out = new StringBuilder(4096);

        Html raw(String markup) {
            out.append(markup);
            return this;
        }

        Html text(String text) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                switch (c) {
                    case '<' -> out.append("&lt;");
                    case '>' -> out.append("&gt;");
                    case '&' -> out.append("&amp;");
                    case '"' -> out.append("&quot;");
                    case '\'' -> out.append("&#39;");
                    default -> out.append(c);
                }
            }
            return this;
        }

        Html td(String text) {
            return raw("<td>").text(text == null ? "" : text).raw("</td>");
        }

        Html num(long n) {
            return raw("<td class=\"n\">").text(Long.toString(n)).raw("</td>");
        }

        Html state(boolean good, String text) {
            return raw(good ? "<span class=\"ok\">" : "<span class=\"bad\">").text(text).raw("</span>");
        }

        @Override
        public String toString() {
            return out.toString();
        }
    }
}
