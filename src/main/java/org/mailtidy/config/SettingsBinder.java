package org.mailtidy.config;

import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;

/** Binds the small top-level sections: {@code defaults}, {@code safety}, {@code audit}, {@code http}, {@code cluster}. */
final class SettingsBinder {

    /** The contract's default schedule, built here so that a file without schedules needs no parsing. */
    static final Schedule DEFAULT_SCHEDULE = new Schedule.Every("every 15m", Duration.ofMinutes(15));

    private static final YamlMap.Keys DEFAULTS_KEYS = YamlMap.Keys.of("schedule", "timezone");
    private static final YamlMap.Keys SAFETY_KEYS =
            YamlMap.Keys.of("dry_run", "max_deletes_per_run", "backup_dir", "expunge_without_uidplus");
    private static final YamlMap.Keys AUDIT_KEYS = YamlMap.Keys.of("file");
    private static final YamlMap.Keys HTTP_KEYS = YamlMap.Keys.of("listen");
    private static final YamlMap.Keys CLUSTER_KEYS =
            YamlMap.Keys.of("jdbc_url", "username", "password", "password_file", "password_command");
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[^\\s:\\[\\]]+):([0-9]{1,5})");
    private static final String LISTEN_EXAMPLE = "host:port such as 127.0.0.1:9464 or [::1]:9464";

    private final Values values;

    SettingsBinder(Values values) {
        this.values = values;
    }

    /** Absent section: the defaults. A broken section: empty. */
    Optional<Defaults> defaults(Optional<Node> node) {
        if (node.isEmpty()) {
            return Optional.of(new Defaults(DEFAULT_SCHEDULE, ZoneId.systemDefault()));
        }
        int before = values.problems().count();
        return values.map(node.get(), "defaults", DEFAULTS_KEYS).flatMap(m -> {
            Schedule schedule = m.value("schedule").flatMap(n -> values.read(n, m.child("schedule"),
                    "a schedule such as every 15m", SettingsBinder::schedule)).orElse(DEFAULT_SCHEDULE);
            ZoneId zone = m.value("timezone").flatMap(n -> values.read(n, m.child("timezone"), "a time zone such as Europe/Berlin",
                    SettingsBinder::zone)).orElse(ZoneId.systemDefault());
            return values.problems().count() > before ? Optional.empty() : Optional.of(new Defaults(schedule, zone));
        });
    }

    static Schedule schedule(String text) throws BadValue {
        try {
            return ScheduleParser.parse(text);
        } catch (ScheduleParser.InvalidSchedule e) {
            throw new BadValue(e.getMessage());
        }
    }

    private static ZoneId zone(String text) throws BadValue {
        try {
            return ZoneId.of(text);
        } catch (DateTimeException e) {
            throw new BadValue("unknown time zone " + Text.quote(text)
                    + DidYouMean.closest(text, ZoneId.getAvailableZoneIds())
                            .map(z -> "; did you mean " + Text.quote(z) + "?")
                            .orElse(" (use a region such as Europe/Berlin, or UTC)"));
        }
    }

    Optional<Safety> safety(Optional<Node> node) {
        if (node.isEmpty()) {
            return Optional.of(new Safety(false, Safety.DEFAULT_MAX_DELETES, Optional.empty(), false));
        }
        int before = values.problems().count();
        return values.map(node.get(), "safety", SAFETY_KEYS).flatMap(m -> {
            boolean dryRun = m.value("dry_run").flatMap(n -> values.bool(n, m.child("dry_run"))).orElse(false);
            int maxDeletes = m.value("max_deletes_per_run")
                    .flatMap(n -> values.integer(n, m.child("max_deletes_per_run"), 0, Integer.MAX_VALUE))
                    .map(Long::intValue).orElse(Safety.DEFAULT_MAX_DELETES);
            Optional<Path> backup = m.value("backup_dir").flatMap(n -> values.path(n, m.child("backup_dir")));
            boolean expunge = m.value("expunge_without_uidplus")
                    .flatMap(n -> values.bool(n, m.child("expunge_without_uidplus"))).orElse(false);
            return values.problems().count() > before ? Optional.empty()
                    : Optional.of(new Safety(dryRun, maxDeletes, backup, expunge));
        });
    }

    Optional<Audit> audit(Node node) {
        return values.map(node, "audit", AUDIT_KEYS)
                .flatMap(m -> m.required("file").flatMap(n -> values.path(n, m.child("file"))))
                .map(Audit::new);
    }

    Optional<HttpListen> http(Node node) {
        return values.map(node, "http", HTTP_KEYS)
                .flatMap(m -> m.required("listen").flatMap(n -> values.read(n, m.child("listen"), LISTEN_EXAMPLE,
                        SettingsBinder::listen)));
    }

    private static HttpListen listen(String text) throws BadValue {
        Matcher m = HOST_PORT.matcher(text);
        if (!m.matches()) {
            throw BadValue.expected(LISTEN_EXAMPLE, text);
        }
        int port = Integer.parseInt(m.group(2));
        if (port < 1 || port > 65535) {
            throw new BadValue("expected a port from 1 to 65535 in " + Text.quote(text));
        }
        String host = m.group(1).startsWith("[") ? m.group(1).substring(1, m.group(1).length() - 1) : m.group(1);
        return new HttpListen(host, port);
    }

    Optional<Cluster> cluster(Node node) {
        int before = values.problems().count();
        return values.map(node, "cluster", CLUSTER_KEYS).flatMap(m -> {
            String url = m.required("jdbc_url").flatMap(n -> values.read(n, m.child("jdbc_url"),
                    "a PostgreSQL JDBC URL", SettingsBinder::jdbcUrl)).orElse(null);
            String username = m.required("username").flatMap(n -> values.text(n, m.child("username"))).orElse(null);
            SecretSource password = SecretBinder.read(m, values).orElse(null);
            return values.problems().count() > before ? Optional.empty()
                    : Optional.of(new Cluster(url, username, password));
        });
    }

    private static String jdbcUrl(String text) throws BadValue {
        if (!text.startsWith("jdbc:postgresql:")) {
            throw BadValue.expected("a PostgreSQL JDBC URL such as jdbc:postgresql://db.example.org:5432/mailtidy",
                    Cluster.displayUrl(text));
        }
        return text;
    }
}
