package org.mailtidy.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.mailtidy.config.Config;
import org.mailtidy.config.RuleConfig;
import org.mailtidy.engine.AuditLog;
import org.mailtidy.engine.Connections;
import org.mailtidy.engine.OncePass;
import org.mailtidy.engine.Progress;
import org.mailtidy.engine.RunIds;
import org.mailtidy.engine.RunResult;
import org.mailtidy.engine.RunSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "once", description = "One pass over every mailbox that has rules, then exit. Exit 0 all runs"
        + " succeeded, 1 some failed, 2 bad configuration or usage.")
final class OnceCommand extends ConfiguredCommand {

    @Mixin
    StateDirOption state;

    @Option(names = "--rule", paramLabel = "NAME", description = "run only this rule (repeatable)")
    List<String> rules = new ArrayList<>();

    @Option(names = "--account", paramLabel = "ID", description = "run only this account: an account id, one user"
            + " of a group (GROUP/LOGIN) or a group (all its users)")
    String account;

    @Option(names = "--dry-run", description = "examine read-only and report what would change; change nothing")
    boolean dryRun;

    @Override
    int run(Config c, PrintWriter out) throws Exception {
        checkSelection(c);
        List<RuleConfig> selected = OncePass.selectRules(c, rules, account);
        Optional<TerminalProgress> progress = TerminalProgress.forStandardError();
        RunSettings settings = RunSettings.from(c, dryRun, c.audit().map(a -> new AuditLog(a.file())),
                state.resolve()).withRunId(RunIds.next(java.time.Instant.now()))
                .withProgress(progress.<Progress>map(p -> p).orElse(Progress.NONE));
        java.util.Set<String> accounts = account == null ? null : java.util.Set.copyOf(c.accountIdsNamed(account));
        List<RunResult> results;
        try {
            results = new OncePass(c, settings, Connections::open).run(selected,
                    id -> accounts == null || accounts.contains(id));
        } finally {
            progress.ifPresent(TerminalProgress::close);
        }
        new SummaryTable(settings.dryRun(), settings.audit().map(AuditLog::file)).print(out, results);
        StateDirOption.copiesAgainWarning(settings.state(), selected).ifPresent(out::println);
        out.flush();
        return results.stream().allMatch(RunResult::ok) ? ExitCodes.OK : ExitCodes.RUN_FAILED;
    }

    private void checkSelection(Config c) throws ExitCodes.UsageError {
        for (String name : rules) {
            if (c.rules().stream().noneMatch(r -> r.name().equals(name))) {
                throw new ExitCodes.UsageError("--rule " + name + ": no such rule in " + c.file());
            }
        }
        if (account != null && c.accountIdsNamed(account).isEmpty() && !c.groups().containsKey(account)) {
            throw new ExitCodes.UsageError("--account " + account + ": no such account in " + c.file());
        }
    }
}
