package org.mailtidy.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.mailtidy.config.Account;
import org.mailtidy.config.Config;
import org.mailtidy.config.RuleConfig;

/**
 * {@code mailtidy once}: every mailbox that has rules, once. Accounts run in parallel (at most
 * {@link #PARALLEL_ACCOUNTS} at a time), each account's mailboxes one after another.
 */
public final class OncePass {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OncePass.class);
    static final int PARALLEL_ACCOUNTS = 4;

    private final Config config;
    private final RunSettings settings;
    private final AccountRun.Connector connector;
    private final MasterLogins masterLogins = MasterLogins.forOnePass();

    public OncePass(Config config, RunSettings settings, AccountRun.Connector connector) {
        this.config = config;
        this.settings = settings;
        this.connector = masterLogins.guard(connector);
    }

    /**
     * Rules the pass runs: enabled ones, or exactly those named; an arrival-only rule (no schedule)
     * runs only when named, since it is meant for new mail.
     */
    public static List<RuleConfig> selectRules(Config config, List<String> ruleNames, String accountId) {
        return config.rules().stream()
                .filter(r -> ruleNames.isEmpty() ? r.enabled() && r.schedule().isPresent() : ruleNames.contains(r.name()))
                .filter(r -> accountId == null || config.accountIdsNamed(accountId).stream().anyMatch(r::appliesTo))
                .toList();
    }

    /** Runs {@code rules} on every account they apply to. */
    public List<RunResult> run(List<RuleConfig> rules) throws InterruptedException {
        return run(rules, id -> true);
    }

    /**
     * Runs {@code rules} on the accounts they apply to that {@code accounts} accepts ({@code --account}:
     * one account, one user of a group, or a group), in the order in which the rules first name them.
     */
    public List<RunResult> run(List<RuleConfig> rules, java.util.function.Predicate<String> accounts)
            throws InterruptedException {
        Map<String, List<RuleConfig>> byAccount = new LinkedHashMap<>();
        for (RuleConfig r : rules) {
            for (String id : config.accounts().keySet()) {
                if (r.appliesTo(id) && accounts.test(id)) {
                    byAccount.computeIfAbsent(id, k -> new ArrayList<>()).add(r);
                }
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(PARALLEL_ACCOUNTS, byAccount.size())),
                r -> {
                    Thread t = new Thread(r, "once-account");
                    t.setDaemon(true);
                    return t;
                });
        try {
            Map<String, Future<List<RunResult>>> futures = new LinkedHashMap<>();
            for (Map.Entry<String, List<RuleConfig>> e : byAccount.entrySet()) {
                Account account = config.account(e.getKey());
                futures.put(e.getKey(), pool.submit(() -> masterLogins.refusal(account)
                        // the group's master login was refused: said once, not once per user
                        .map(why -> List.of(RunResult.failed(account.id(), "*", java.time.Duration.ZERO, why)))
                        .orElseGet(() -> new AccountRun(account, e.getValue(), settings, connector).execute())));
            }
            List<RunResult> results = new ArrayList<>();
            for (Map.Entry<String, Future<List<RunResult>>> f : futures.entrySet()) {
                try {
                    results.addAll(f.getValue().get());
                } catch (ExecutionException e) {
                    // AccountRun fails its own results; this is what escaped it (a fatal Error aside)
                    Crashes.rethrowIfFatal(e.getCause());
                    Crashes.log(LOG, f.getKey() + ": account run crashed", e.getCause());
                    results.add(RunResult.failed(f.getKey(), "*", java.time.Duration.ZERO, Crashes.describe(e.getCause())));
                }
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
