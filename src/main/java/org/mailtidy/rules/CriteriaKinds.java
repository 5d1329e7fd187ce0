package org.mailtidy.rules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Where each part of a criteria tree is evaluated: by the server ({@code UID SEARCH}), locally on
 * the fetched FLAGS, INTERNALDATE and RFC822.SIZE, or locally on fetched header fields (regex).
 */
public final class CriteriaKinds {

    /** The kind of a leaf; connectives have none of their own. */
    public enum Kind {
        /** Answered by {@code UID SEARCH}: text, header, received/sent dates, sent age. */
        SERVER,
        /** {@code all_messages}: true of every message, needs no one to answer it. */
        ALL,
        /** Evaluated on the snapshot: flags (as earlier rules left them), age, size. */
        LOCAL,
        /** Evaluated on fetched header fields. */
        REGEX,
        /** And, Or, Not. */
        CONNECTIVE
    }

    private CriteriaKinds() {
    }

    public static Kind kindOf(Criterion c) {
        return c.accept(KIND_OF);
    }

    /** True when every leaf is one the server answers (or {@code all_messages}). */
    public static boolean isServerSide(Criterion c) {
        return everyLeaf(c, k -> k == Kind.SERVER || k == Kind.ALL);
    }

    /** True when every leaf is {@code all_messages}: a constant that needs no search. */
    public static boolean isConstant(Criterion c) {
        return everyLeaf(c, k -> k == Kind.ALL);
    }

    public static boolean containsRegex(Criterion c) {
        return !everyLeaf(c, k -> k != Kind.REGEX);
    }

    /**
     * The maximal server-side subtrees of {@code c} in order of appearance (depth first), each
     * to be answered by one {@code UID SEARCH}. Subtrees made only of {@code all_messages} are
     * constants and left out.
     */
    public static List<Criterion> maximalServerSubtrees(Criterion c) {
        List<Criterion> out = new ArrayList<>();
        collectServerSubtrees(c, out);
        return out;
    }

    /** The header names of the regex criteria in {@code c}, deduplicated case-insensitively, as written. */
    public static Set<String> regexHeaders(Criterion c) {
        Map<String, String> byLowerCase = new LinkedHashMap<>();
        collectRegexHeaders(c, byLowerCase);
        return new LinkedHashSet<>(byLowerCase.values());
    }

    /** The regex criteria of {@code c}, depth first, added to {@code out} (equal ones once). */
    static void collectRegexCriteria(Criterion c, Set<Criterion.HeaderRegex> out) {
        Optional<Criterion.HeaderRegex> regex = c.asRegex();
        if (regex.isPresent()) {
            out.add(regex.get());
            return;
        }
        children(c).forEach(child -> collectRegexCriteria(child, out));
    }

    private static void collectServerSubtrees(Criterion c, List<Criterion> out) {
        if (isServerSide(c)) {
            if (!isConstant(c)) {
                out.add(c);
            }
            return;
        }
        List<Criterion> parts = c.asAnd().map(CriteriaKinds::groupedAnd).orElseGet(() -> children(c));
        parts.forEach(child -> collectServerSubtrees(child, out));
    }

    /**
     * The operands of an AND with its server-side operands gathered into one AND, first, when
     * there are two or more: {@code {from: a, subject: b, seen: true}} then costs one
     * {@code UID SEARCH FROM "a" SUBJECT "b"}, not two.
     */
    static List<Criterion> groupedAnd(Criterion.And and) {
        List<Criterion> server = new ArrayList<>();
        List<Criterion> rest = new ArrayList<>();
        for (Criterion part : and.parts()) {
            (isServerSide(part) && !isConstant(part) ? server : rest).add(part);
        }
        if (server.size() < 2 || rest.isEmpty()) {
            return and.parts();
        }
        List<Criterion> out = new ArrayList<>();
        out.add(new Criterion.And(server));
        out.addAll(rest);
        return out;
    }

    private static void collectRegexHeaders(Criterion c, Map<String, String> out) {
        Optional<Criterion.HeaderRegex> regex = c.asRegex();
        if (regex.isPresent()) {
            out.putIfAbsent(regex.get().header().toLowerCase(Locale.ROOT), regex.get().header());
            return;
        }
        children(c).forEach(child -> collectRegexHeaders(child, out));
    }

    /** The operands of a connective; empty for a leaf. */
    static List<Criterion> children(Criterion c) {
        return c.accept(CHILDREN);
    }

    private static boolean everyLeaf(Criterion c, Predicate<Kind> test) {
        List<Criterion> parts = children(c);
        if (parts.isEmpty()) {
            return test.test(kindOf(c));
        }
        for (Criterion part : parts) {
            if (!everyLeaf(part, test)) {
                return false;
            }
        }
        return true;
    }

    private static final Criterion.Visitor<Kind> KIND_OF = new Criterion.Visitor<>() {
        public Kind all(Criterion.All c) {
            return Kind.ALL;
        }

        public Kind and(Criterion.And c) {
            return Kind.CONNECTIVE;
        }

        public Kind or(Criterion.Or c) {
            return Kind.CONNECTIVE;
        }

        public Kind not(Criterion.Not c) {
            return Kind.CONNECTIVE;
        }

        public Kind text(Criterion.Text c) {
            return Kind.SERVER;
        }

        public Kind header(Criterion.Header c) {
            return Kind.SERVER;
        }

        public Kind flag(Criterion.FlagIs c) {
            return Kind.LOCAL;
        }

        public Kind age(Criterion.Age c) {
            return Kind.LOCAL;
        }

        public Kind receivedDate(Criterion.ReceivedDate c) {
            return Kind.SERVER;
        }

        public Kind sentDate(Criterion.SentDate c) {
            return Kind.SERVER;
        }

        public Kind sentAge(Criterion.SentAge c) {
            return Kind.SERVER;
        }

        public Kind size(Criterion.Size c) {
            return Kind.LOCAL;
        }

        public Kind regex(Criterion.HeaderRegex c) {
            return Kind.REGEX;
        }
    };

    private static final Criterion.Visitor<List<Criterion>> CHILDREN = new Criterion.Visitor<>() {
        public List<Criterion> all(Criterion.All c) {
            return List.of();
        }

        public List<Criterion> and(Criterion.And c) {
            return c.parts();
        }

        public List<Criterion> or(Criterion.Or c) {
            return c.parts();
        }

        public List<Criterion> not(Criterion.Not c) {
            return List.of(c.part());
        }

        public List<Criterion> text(Criterion.Text c) {
            return List.of();
        }

        public List<Criterion> header(Criterion.Header c) {
            return List.of();
        }

        public List<Criterion> flag(Criterion.FlagIs c) {
            return List.of();
        }

        public List<Criterion> age(Criterion.Age c) {
            return List.of();
        }

        public List<Criterion> receivedDate(Criterion.ReceivedDate c) {
            return List.of();
        }

        public List<Criterion> sentDate(Criterion.SentDate c) {
            return List.of();
        }

        public List<Criterion> sentAge(Criterion.SentAge c) {
            return List.of();
        }

        public List<Criterion> size(Criterion.Size c) {
            return List.of();
        }

        public List<Criterion> regex(Criterion.HeaderRegex c) {
            return List.of();
        }
    };
}
