package org.mailtidy.config;

import java.util.List;

/**
 * The accounts a rule applies to: its {@code account} key. An id names an account, a group (every
 * user in it) or one user of a group ({@code staff/alice}); {@code "*"} is every account.
 */
public sealed interface AccountSelector {

    boolean appliesTo(String accountId);

    /** {@code account: id} or {@code account: [id, ...]}. */
    record Ids(List<String> ids) implements AccountSelector {
        public Ids {
            ids = List.copyOf(ids);
        }

        @Override
        public boolean appliesTo(String accountId) {
            for (String id : ids) {
                if (id.equals(accountId) || (accountId.startsWith(id) && accountId.length() > id.length()
                        && accountId.charAt(id.length()) == '/' && id.indexOf('/') < 0)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return ids.size() == 1 ? ids.get(0) : "[" + String.join(", ", ids) + "]";
        }
    }

    /** {@code account: "*"}. */
    record All() implements AccountSelector {
        @Override
        public boolean appliesTo(String accountId) {
            return true;
        }

        @Override
        public String toString() {
            return "*";
        }
    }

    static AccountSelector of(String id) {
        return new Ids(List.of(id));
    }
}
