package org.mailtidy.config;

import java.util.Optional;
import java.util.Set;

/** The file's account ids, as a rule or a test names one in its {@code account} key. */
final class KnownAccounts {
    private final Set<String> ids;

    KnownAccounts(Set<String> ids) {
        this.ids = ids;
    }

    boolean contains(String id) {
        return ids.contains(id);
    }

    /**
     * The account meant where {@code m} has no {@code account} key: the file's only one. With several
     * a problem is recorded; with none, nothing (the accounts block reports that).
     */
    Optional<String> implicit(YamlMap m, Problems problems) {
        if (ids.size() == 1) {
            return Optional.of(ids.iterator().next());
        }
        if (!ids.isEmpty()) {
            problems.add(m.node(), m.path(), "missing required key \"account\" (there are "
                    + ids.size() + " accounts: " + String.join(", ", ids) + ")");
        }
        return Optional.empty();
    }

    /** The error for an id that is none of the file's, naming the nearest one or else all. */
    BadValue unknown(String id) {
        return new BadValue("unknown account " + Text.quote(id) + DidYouMean.closest(id, ids)
                .map(c -> "; did you mean " + Text.quote(c) + "?")
                .orElse(ids.isEmpty() ? "" : "; known accounts: " + String.join(", ", ids)));
    }
}
