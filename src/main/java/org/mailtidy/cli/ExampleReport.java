package org.mailtidy.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;
import org.mailtidy.config.Config;
import org.mailtidy.config.Example;
import org.mailtidy.rules.Flag;

/**
 * {@code check}'s part for the file's {@code tests:}: one line per passing example; for a failing
 * one, expected against actual for result, flags, copies and the rules that matched.
 */
final class ExampleReport {
    private static final String NOT_CHECKED = "(not checked)";
    private static final java.time.format.DateTimeFormatter NOW =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z");

    private ExampleReport() {
    }

    /** Runs and prints every example; returns how many failed. */
    static int run(Config config, Instant now, PrintWriter out) {
        List<Example> tests = config.tests();
        if (tests.isEmpty()) {
            return 0;
        }
        out.println();
        out.printf("tests (offline, now = %s):%n", NOW.format(now.atZone(config.defaults().timezone())));
        int failed = 0;
        for (Example example : tests) {
            ExampleRun run = ExampleRun.of(config, example, now);
            List<String> differences = run.differences();
            if (differences.isEmpty()) {
                out.printf("  ok    %s%n", example.name());
            } else {
                failed++;
                printFailure(out, run, differences);
                printRulesNotApplied(out, config, example);
            }
        }
        out.println(failed == 0 ? "all " + tests.size() + " tests passed"
                : failed + " of " + tests.size() + " tests failed");
        return failed;
    }

    private static void printFailure(PrintWriter out, ExampleRun run, List<String> differences) {
        Example example = run.example();
        Example.Expectation e = example.expect();
        out.printf("  FAIL  %s (%s line %d)%n", example.name(), run.example().account() + " " + example.mailbox() + ",",
                example.line());
        row(out, differences, "result", result(e.result(), e.movedTo().orElse(null)),
                result(run.result(), run.movedTo().orElse(null)));
        row(out, differences, "flags", e.flags().map(ExampleReport::flags).orElse(NOT_CHECKED), flags(run.flags()));
        row(out, differences, "copied_to", e.copiedTo().map(ExampleReport::list).orElse(NOT_CHECKED),
                list(run.copiedTo()));
        row(out, differences, "rules", e.rules().map(ExampleReport::list).orElse(NOT_CHECKED), list(run.matched()));
    }

    /** An expected rule that cannot match here: why, so the author need not wonder. */
    private static void printRulesNotApplied(PrintWriter out, Config config, Example example) {
        List<String> applied = ExampleRun.rulesFor(config, example).stream().map(org.mailtidy.rules.RuleSpec::name).toList();
        for (String name : example.expect().rules().orElse(List.of())) {
            if (applied.contains(name)) {
                continue;
            }
            config.rules().stream().filter(r -> r.name().equals(name)).findFirst().ifPresent(r -> out.printf(
                    "        note: rule %s does not run on %s %s: %s%n", name, example.account(), example.mailbox(),
                    !r.enabled() ? "it is disabled"
                            : !r.appliesTo(example.account()) ? "its account is " + r.accounts()
                            : "its mailboxes are " + String.join(", ", r.mailboxes())));
        }
    }

    /** A differing row is marked with {@code *}. */
    private static void row(PrintWriter out, List<String> differences, String what, String expected, String actual) {
        String mark = differences.contains(what) ? "*" : " ";
        out.printf("      %s %-10s expected: %-40s actual: %s%n", mark, what, expected, actual);
    }

    private static String result(Example.Result result, String movedTo) {
        return result.word() + (result == Example.Result.MOVED && movedTo != null ? " to " + movedTo : "");
    }

    private static String flags(Collection<Flag> flags) {
        return flags.isEmpty() ? "(none)" : flags.stream().map(Flag::name).sorted().collect(Collectors.joining(" "));
    }

    private static String list(List<String> names) {
        return names.isEmpty() ? "(none)" : String.join(", ", names);
    }
}
