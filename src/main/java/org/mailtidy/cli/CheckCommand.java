package org.mailtidy.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import org.mailtidy.config.Config;
import org.mailtidy.config.ConfigLoader;
import org.mailtidy.config.RuleConfig;
import org.mailtidy.config.Schedule;
import org.mailtidy.engine.Provider;
import org.mailtidy.config.SecretNotChecked;
import org.mailtidy.rules.ImapSearch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "check", description = "Validate the configuration without connecting; show each rule's IMAP SEARCH"
        + " and its next three fire times, then run the file's tests offline. Exit 0 valid, 2 invalid or a test failed.")
final class CheckCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z");

    @Mixin
    ConfigOption config;

    @Mixin
    StateDirOption state;

    @CommandLine.Option(names = "--no-secrets", description = "do not need ${ENV} secrets, password files or"
            + " commands to exist: they are reported as not checked (for CI and pre-commit hooks)")
    boolean noSecrets;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path file = config.resolve();
        ConfigLoader.Checked checked = noSecrets ? ConfigLoader.loadWithoutSecrets(file)
                : new ConfigLoader.Checked(ConfigLoader.load(file), List.of());
        Config c = checked.config();
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%s: valid: %d account%s, %d rule%s%n", file, c.accounts().size(), plural(c.accounts().size()),
                c.rules().size(), plural(c.rules().size()));
        printGroups(out, c, checked.notChecked());
        StateDirOption.copiesAgainWarning(state.resolve(), c.enabledRules()).ifPresent(out::println);
        ZonedDateTime now = ZonedDateTime.now(c.defaults().timezone());
        for (RuleConfig r : c.rules()) {
            out.println();
            printRule(out, c, r, now);
        }
        out.println();
        out.println("Flag, date and size criteria are evaluated by mailtidy on one fetch of FLAGS, INTERNALDATE and"
                + " RFC822.SIZE; [client: ...] parts on fetched header fields; the rest by the server.");
        printNotChecked(out, file, checked.notChecked());
        int failed = ExampleReport.run(c, now.toInstant(), out);
        out.flush();
        return failed == 0 ? ExitCodes.OK : ExitCodes.BAD_CONFIG;
    }

    private static void printRule(PrintWriter out, Config c, RuleConfig r, ZonedDateTime now) {
        out.printf("rule %s%s%n", r.name(), r.enabled() ? "" : " (disabled)");
        out.printf("  account:   %s%n", r.accounts());
        out.printf("  mailboxes: %s%n", String.join(", ", r.mailboxes()));
        out.printf("  search:    UID SEARCH %s%n", ImapSearch.describe(r.spec().match(), LocalDate.from(now)));
        out.printf("  actions:   %s%n", RuleText.actions(r.spec()));
        out.printf("  schedule:  %s%n", scheduleText(r));
        if (r.schedule().isPresent()) {
            out.printf("  next:      %s%n", nextThree(r.schedule().get(), now, c));
        }
        // check does not connect, so the provider is told by the host name (a run asks the server).
        hosts(c, r).stream().map(Provider::byHost).flatMap(java.util.Optional::stream).distinct()
                .forEach(p -> p.differences(r.spec(), r.mailboxes()).forEach(d -> out.printf("  warning:   %s%n", d)));
    }

    /** The servers a rule's accounts are on (a group's users share its server). */
    private static java.util.Set<String> hosts(Config c, RuleConfig r) {
        java.util.Set<String> hosts = new java.util.LinkedHashSet<>();
        c.accounts().values().stream().filter(a -> a.group().isEmpty() && r.appliesTo(a.id()))
                .forEach(a -> hosts.add(a.host()));
        c.groups().values().stream().filter(g -> r.appliesTo(g.id()) || c.accounts().keySet().stream()
                .anyMatch(id -> id.startsWith(g.id() + "/") && r.appliesTo(id)))
                .forEach(g -> hosts.add(g.template().host()));
        return hosts;
    }

    /** Each group, its user count and its master login; the list is read, nobody logs in. */
    private static void printGroups(PrintWriter out, Config c, List<SecretNotChecked> notChecked) {
        for (org.mailtidy.config.AccountGroup g : c.groups().values()) {
            boolean unknown = notChecked.stream().anyMatch(n -> n.keyPath().equals(g.keyPath()));
            int users = c.logins(g.id()).size();
            out.printf("group %s: %s from %s, logging in through master_user %s on %s%n", g.id(),
                    unknown ? "users not known" : users + " user" + plural(users), g.users(), g.masterUser(),
                    g.template().host());
        }
    }

    private static void printNotChecked(PrintWriter out, Path file, List<SecretNotChecked> notChecked) {
        if (!notChecked.isEmpty()) {
            out.println();
        }
        for (SecretNotChecked n : notChecked) {
            out.printf("not checked: %s:%d: %s: %s%n", file, n.line(), n.keyPath(), n.what());
        }
    }

    private static String scheduleText(RuleConfig r) {
        String s = r.schedule().map(Schedule::text).orElse("none");
        return r.onArrival() ? (r.schedule().isPresent() ? s + ", and on arrival of new mail" : "on arrival only") : s;
    }

    private static String nextThree(Schedule s, ZonedDateTime now, Config c) {
        List<ZonedDateTime> times = s.nextFireTimes(now, 3, c.defaults().timezone());
        return String.join(", ", times.stream().map(TIME::format).toList());
    }

    private static String plural(int n) {
        return n == 1 ? "" : "s";
    }
}
