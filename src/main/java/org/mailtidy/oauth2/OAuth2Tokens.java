package org.mailtidy.oauth2;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.mailtidy.config.Account;

/**
 * The access tokens of every OAuth2 account of this process, so that runs of the same account share
 * one cached token. An account whose {@code oauth2} block changes (a reloaded configuration) gets a
 * fresh cache.
 */
public final class OAuth2Tokens {
    private static final OAuth2Tokens SHARED = new OAuth2Tokens(TokenEndpoint.standard(), Clock.systemUTC());

    private final TokenEndpoint endpoint;
    private final Clock clock;
    private final Map<Key, AccountTokens> accounts = new ConcurrentHashMap<>();

    private record Key(String accountId, Account.OAuth2 config) {
    }

    public OAuth2Tokens(TokenEndpoint endpoint, Clock clock) {
        this.endpoint = endpoint;
        this.clock = clock;
    }

    /** The process-wide instance, with the default time-outs. */
    public static OAuth2Tokens shared() {
        return SHARED;
    }

    /** The token cache of an account that has an {@code oauth2} block. */
    public AccountTokens forAccount(Account account) {
        Account.OAuth2 config = account.oauth2().orElseThrow(() -> new IllegalArgumentException(
                "account " + account.id() + " has no oauth2 block"));
        return accounts.computeIfAbsent(new Key(account.id(), config),
                k -> new AccountTokens(k.accountId(), k.config(), endpoint, clock));
    }
}
