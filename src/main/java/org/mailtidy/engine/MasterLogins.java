package org.mailtidy.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.mailtidy.config.Account;
import org.mailtidy.config.SecretSource;
import org.mailtidy.imap.ImapConnection;
import org.mailtidy.imap.ImapException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master logins of groups, one verdict per group: a wrong master password fails every user of
 * the group the same way, and must show as one clear message, not as one failed login per user
 * (each of which a server counts against the node's address).
 *
 * <p>Until a login of the group has worked, its users log in one at a time. After {@link #PROBES}
 * users in a row were refused and none was let in, the master login counts as refused: the other
 * users fail at once without connecting ({@link Refused}) for {@code refusedFor}, and one ERROR line
 * says so. A success at any time makes the group's logins go in parallel again. A group whose master
 * settings change (another password source, host or master) starts afresh.
 */
public final class MasterLogins {
    private static final Logger LOG = LoggerFactory.getLogger(MasterLogins.class);
    /** Refusals in a row, of different users, before the master login counts as refused. */
    public static final int PROBES = 3;

    private final Map<Key, Group> groups = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Duration refusedFor;

    /** A user of a group that is not tried, since the group's master login was refused. */
    public static final class Refused extends ImapException.AuthenticationFailed {
        Refused(String message) {
            super(message, null, null);
        }
    }

    private record Key(String group, String host, int port, String master, SecretSource secret) {
    }

    private static final class Group {
        final Semaphore probe = new Semaphore(1, true);
        volatile boolean works;
        int refusedInARow;
        Instant refusedUntil;
        String reason;
    }

    /** For {@code once}: a refused master login stays refused for the whole pass. */
    public static MasterLogins forOnePass() {
        return new MasterLogins(Clock.systemUTC(), Duration.ofDays(1));
    }

    public MasterLogins(Clock clock, Duration refusedFor) {
        this.clock = clock;
        this.refusedFor = refusedFor;
    }

    /** {@code inner} with this verdict kept per group; accounts that are no group's users pass straight through. */
    public AccountRun.Connector guard(AccountRun.Connector inner) {
        return account -> account.masterUser().isEmpty() ? inner.connect(account) : connect(inner, account);
    }

    /**
     * Why the account's group is not tried now, if its master login counts as refused. While another
     * user of the group is being tried first, waits for that verdict.
     */
    public Optional<String> refusal(Account account) throws InterruptedException {
        if (account.masterUser().isEmpty()) {
            return Optional.empty();
        }
        Group g = groups.computeIfAbsent(key(account), k -> new Group());
        if (!g.works) {
            g.probe.acquire();
            g.probe.release();
        }
        synchronized (g) {
            return refusedNow(g) ? Optional.of(g.reason) : Optional.empty();
        }
    }

    private ImapConnection connect(AccountRun.Connector inner, Account account) throws ImapException {
        Group g = groups.computeIfAbsent(key(account), k -> new Group());
        boolean probing = !g.works;
        if (probing) {
            try {
                g.probe.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ImapException.ConnectionLost(account.id() + ": interrupted while waiting to log in", null);
            }
        }
        try {
            synchronized (g) {
                if (refusedNow(g)) {
                    throw new Refused(g.reason);
                }
            }
            ImapConnection c = inner.connect(account);
            synchronized (g) {
                g.works = true;
                g.refusedInARow = 0;
                g.refusedUntil = null;
            }
            return c;
        } catch (Refused e) {
            throw e;
        } catch (ImapException.AuthenticationFailed e) {
            refused(g, account, e);
            throw e;
        } finally {
            if (probing) {
                g.probe.release();
            }
        }
    }

    private void refused(Group g, Account account, ImapException e) {
        synchronized (g) {
            if (g.works) {
                return; // the master works: this user's own login failed (no such user, or the server's policy)
            }
            g.refusedInARow++;
            if (g.refusedInARow < PROBES) {
                return;
            }
            String group = account.group().orElse(account.id());
            g.refusedUntil = clock.instant().plus(refusedFor);
            g.refusedInARow = 0;
            g.reason = "not logging in: the master login " + account.masterUser().orElseThrow() + " of group " + group
                    + " was refused for " + PROBES + " users in a row (last: " + e.getMessage() + "); check the"
                    + " master's password in accounts." + group;
            LOG.error("{}: master_user {} was refused for {} users in a row, none was let in (last: {}); the other"
                    + " users of the group are not tried {}: check the password of accounts.{}", group,
                    account.masterUser().orElseThrow(), PROBES, e.getMessage(),
                    refusedFor.toDays() >= 1 ? "in this pass" : "for " + refusedFor.toSeconds() + "s", group);
        }
    }

    private boolean refusedNow(Group g) {
        return g.refusedUntil != null && clock.instant().isBefore(g.refusedUntil);
    }

    private static Key key(Account a) {
        return new Key(a.group().orElse(a.id()), a.host(), a.port(), a.masterUser().orElse(""), a.secret());
    }
}
