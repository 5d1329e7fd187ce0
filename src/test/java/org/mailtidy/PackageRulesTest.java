package org.mailtidy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The import rules of docs/architecture.md ("Import rules") hold for src/main/java, and the checker catches a break. */
class PackageRulesTest {
    /** Keep equal to the table in docs/architecture.md. */
    static final Map<String, Set<String>> MAY_USE = Map.ofEntries(
            Map.entry("cli", Set.of("mail", "daemon", "push", "cluster", "schedule", "engine", "http", "oauth2", "config",
                    "rules", "imap", "files", "json")),
            Map.entry("daemon", Set.of("mail", "push", "cluster", "schedule", "engine", "http", "config", "rules", "imap",
                    "files", "json")),
            Map.entry("push", Set.of("mail", "schedule", "engine", "http", "config", "rules", "imap")),
            Map.entry("cluster", Set.of("mail", "schedule", "http", "config")),
            Map.entry("schedule", Set.of("mail", "engine", "http", "config", "rules", "imap")),
            Map.entry("engine", Set.of("mail", "oauth2", "config", "rules", "imap", "files", "json")),
            Map.entry("oauth2", Set.of("config", "files", "json")),
            Map.entry("config", Set.of("mail", "rules")),
            Map.entry("rules", Set.of("mail")),
            Map.entry("imap", Set.of("mail")),
            Map.entry("http", Set.of()),
            Map.entry("files", Set.of()),
            Map.entry("json", Set.of()),
            Map.entry("mail", Set.of()));

    /** {@code rules} is pure: collections, time and text, no I/O, no sockets, no Jakarta Mail. */
    static final Map<String, List<String>> ONLY_OUTSIDE = Map.of(
            "rules", List.of("java.util", "java.time", "java.text", "java.math", "java.nio.charset"));

    private static final PackageRules RULES = new PackageRules(MAY_USE, ONLY_OUTSIDE);

    @Test
    void theMainSourcesKeepTheRules() {
        List<PackageRules.Source> sources = PackageRules.read(Path.of("src/main/java"));

        assertThat(sources).hasSizeGreaterThan(100);
        assertThat(RULES.violations(sources)).isEmpty();
    }

    @Test
    void everyPackageOfTheSourcesHasARow() {
        assertThat(MAY_USE.keySet()).containsAll(PackageRules.graph(PackageRules.read(Path.of("src/main/java"))).keySet());
    }

    @Test
    void anImportOfAHigherPackageIsABreak() {
        var planner = PackageRules.parse("rules/Planner.java", """
                package org.mailtidy.rules;

                import java.util.List;
                import org.mailtidy.imap.UidSets;

                final class Planner {}
                """);

        assertThat(RULES.violations(List.of(planner))).containsExactly("rules/Planner.java: rules must not use imap");
    }

    @Test
    void aFullyQualifiedNameInCodeIsABreakButNotInACommentOrAString() {
        var run = PackageRules.parse("imap/Session.java", """
                package org.mailtidy.imap.wire;

                /** Unlike {@link org.mailtidy.engine.MailboxRun}, this knows the wire only. */
                final class Session {
                    // org.mailtidy.config.Config would be a break
                    String s = "org.mailtidy.rules.Planner";
                    String t = \"""
                        org.mailtidy.files.Durable
                        \""";
                    char q = '"';
                    Object o = org.mailtidy.schedule.Daemon.class;
                }
                """);

        assertThat(run.topPackage()).isEqualTo("imap");
        assertThat(run.ownPackages()).containsExactly("schedule");
        assertThat(RULES.violations(List.of(run))).containsExactly("imap/Session.java: imap must not use schedule");
    }

    @Test
    void rulesMayNotImportSocketsFilesOrJakartaMail() {
        var evaluator = PackageRules.parse("rules/Evaluator.java", """
                package org.mailtidy.rules.local;

                import java.net.Socket;
                import java.nio.charset.StandardCharsets;
                import java.nio.file.Files;
                import jakarta.mail.Flags;
                import java.util.*;
                import static java.util.Objects.requireNonNull;

                final class Evaluator {}
                """);

        assertThat(RULES.violations(List.of(evaluator))).containsExactly(
                "rules/Evaluator.java: rules must not import jakarta.mail.Flags",
                "rules/Evaluator.java: rules must not import java.net.Socket",
                "rules/Evaluator.java: rules must not import java.nio.file.Files");
    }

    @Test
    void aCycleIsABreakEvenWhereTheMatrixWouldAllowIt() {
        var loose = new PackageRules(Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a")), Map.of());
        var a = PackageRules.parse("a/A.java", "package org.mailtidy.a; import org.mailtidy.b.B; class A {}");
        var b = PackageRules.parse("b/B.java", "package org.mailtidy.b; import org.mailtidy.c.C; class B {}");
        var c = PackageRules.parse("c/C.java", "package org.mailtidy.c; import org.mailtidy.a.A; class C {}");

        assertThat(loose.violations(List.of(a, b, c))).containsExactly("package cycle: a -> b -> c -> a");
    }

    @Test
    void aPackageWithoutARowIsABreak() {
        var relay = PackageRules.parse("relay/Relay.java", "package org.mailtidy.relay; class Relay {}");

        assertThat(RULES.violations(List.of(relay))).containsExactly(
                "relay/Relay.java: package relay has no row in the import rules (docs/architecture.md, PackageRulesTest)");
    }
}
