package org.mailtidy.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mailtidy.config.Account;
import org.mailtidy.config.RuleConfig;
import org.mailtidy.imap.ImapConnection;
import org.mailtidy.imap.ImapException;
import org.mailtidy.imap.ImapSession;
import org.mailtidy.rules.RuleSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one account's rules over its mailboxes, one after another on one connection, in the order in
 * which the rules first name them (wildcards in the server's LIST order). A lost connection is
 * opened again for the next mailbox; one mailbox's failure never stops the others.
 */
public final class AccountRun {
    private static final Logger LOG = LoggerFactory.getLogger(AccountRun.class);

    private final Account account;
    private final List<RuleConfig> rules;
    private final RunSettings settings;
    private final Sessions connector;

    /** Opens a connection for an account; the daemon passes one that reuses healthy connections. */
    @FunctionalInterface
    public interface Connector {
        ImapConnection connect(Account account) throws ImapException;
    }

    /** What a run needs of a {@link Connector}: a session, which the engine's fast tests make in memory. */
    @FunctionalInterface
    interface Sessions {
        ImapSession connect(Account account) throws ImapException;
    }

    public AccountRun(Account account, List<RuleConfig> rules, RunSettings settings, Connector connector) {
        this(account, rules, settings, (Sessions) connector::connect);
    }

    /** A run over sessions that need not be {@link ImapConnection}s (the engine's fast tests). */
    static AccountRun overSessions(Account account, List<RuleConfig> rules, RunSettings settings, Sessions sessions) {
        return new AccountRun(account, rules, settings, sessions);
    }

    private AccountRun(Account account, List<RuleConfig> rules, RunSettings settings, Sessions connector) {
        this.account = account;
        this.rules = List.copyOf(rules);
        this.settings = settings;
        this.connector = connector;
    }

    public List<RunResult> execute() {
        List<RunResult> results = new ArrayList<>();
        ImapSession connection = null;
        try {
            connection = connector.connect(account);
            Map<String, List<RuleSpec>> plan = mailboxes(connection, results);
            for (Map.Entry<String, List<RuleSpec>> e : plan.entrySet()) {
                if (connection == null || !connection.isAlive()) {
                    closeQuietly(connection);
                    connection = reconnect(e.getKey(), results);
                    if (connection == null) {
                        continue;
                    }
                }
                results.add(new MailboxRun(connection, account.id(), e.getKey(), e.getValue(),
                        account.trashMailbox(), settings).execute());
            }
        } catch (ImapException e) {
            LOG.warn("{}: {}", account.id(), e.getMessage());
            results.add(RunResult.failed(account.id(), "*", java.time.Duration.ZERO, e.getMessage()));
        } catch (RuntimeException | Error e) {
            // A bug, or a server's junk that Angus chokes on, must cost this account's pass, not the
            // other accounts' or the daemon's.
            Crashes.rethrowIfFatal(e);
            Crashes.log(LOG, account.id() + ": account run failed", e);
            results.add(RunResult.failed(account.id(), "*", java.time.Duration.ZERO, Crashes.describe(e)));
        } finally {
            closeQuietly(connection);
        }
        return results;
    }

    private ImapSession reconnect(String mailbox, List<RunResult> results) {
        try {
            return connector.connect(account);
        } catch (ImapException e) {
            results.add(RunResult.failed(account.id(), mailbox, java.time.Duration.ZERO, e.getMessage()));
            return null;
        } catch (RuntimeException e) {
            Crashes.log(LOG, account.id() + ": reconnecting failed", e);
            results.add(RunResult.failed(account.id(), mailbox, java.time.Duration.ZERO, Crashes.describe(e)));
            return null;
        }
    }

    /**
     * Mailbox name to the rules that apply to it, in first-named order; each rule list in file order.
     * A wildcard that matches no mailbox is reported in {@code results} (a line in {@code once}'s
     * output) and logged, never skipped silently.
     */
    Map<String, List<RuleSpec>> mailboxes(ImapSession connection, List<RunResult> results) throws ImapException {
        List<String> names = new ArrayList<>();
        List<String> unmatched = new ArrayList<>();
        for (RuleConfig rule : rules) {
            for (String pattern : rule.mailboxes()) {
                List<String> found = MailboxPatterns.isWildcard(pattern) ? connection.list(pattern) : List.of(pattern);
                if (found.isEmpty() && !unmatched.contains(pattern)) {
                    unmatched.add(pattern);
                    results.add(noMailboxMatches(pattern));
                }
                for (String name : found) {
                    if (names.stream().noneMatch(n -> MailboxPatterns.sameMailbox(n, name))) {
                        names.add(name);
                    }
                }
            }
        }
        Map<String, List<RuleSpec>> out = new LinkedHashMap<>();
        for (String name : names) {
            List<RuleSpec> applicable = rules.stream().filter(r -> MailboxPatterns.matchesAny(r.mailboxes(), name))
                    .map(RuleConfig::spec).toList();
            out.put(name, applicable);
        }
        return out;
    }

    private RunResult noMailboxMatches(String pattern) {
        List<String> ruleNames = rules.stream().filter(r -> r.mailboxes().contains(pattern)).map(RuleConfig::name)
                .toList();
        String note = "no mailbox matches '" + pattern + "': rules " + String.join(", ", ruleNames)
                + " ran on no mailbox for it (names are relative to the personal namespace)";
        LOG.warn("{}: {}", account.id(), note);
        return new RunResult(account.id(), pattern, RunResult.Status.OK, 0, List.of(), java.time.Duration.ZERO,
                Map.of(), List.of(), List.of(note), java.util.Optional.empty());
    }

    private static void closeQuietly(ImapSession c) {
        if (c != null) {
            try {
                c.close();
            } catch (RuntimeException | Error e) {
                Crashes.rethrowIfFatal(e);
                LOG.debug("closing connection", e);
            }
        }
    }
}
