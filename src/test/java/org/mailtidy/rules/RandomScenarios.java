package org.mailtidy.rules;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;

/** Random mailboxes and rule lists drawn from small vocabularies, so criteria often hit. */
final class RandomScenarios {

    static final Instant NOW = Instant.parse("2026-03-15T12:00:00.500Z");
    static final LocalDate TODAY = LocalDate.of(2026, 3, 15);
    static final PlanContext CONTEXT = new PlanContext(NOW, TODAY, Optional.of("Trash"));

    static final List<Flag> FLAGS = List.of(Flag.SEEN, Flag.ANSWERED, Flag.FLAGGED, Flag.DELETED, Flag.DRAFT,
            Flag.of("$Junk"), Flag.of("Paid"), Flag.of("Invoice"));
    private static final List<Duration> AGES =
            List.of(Duration.ofHours(1), Duration.ofDays(1), Duration.ofDays(7), Duration.ofDays(30));
    private static final List<String> SENDERS = List.of("Alice <alice@example.org>", "newsletter@shop.example",
            "Jürgen <j@x.example>", "bob@example.com", "Billing <billing@corp.example>");
    private static final List<String> SUBJECTS = List.of("Invoice 42", "weekly news", "Re: hello",
            "Rechnung für Sie", "meeting", "invoices overdue", "");
    private static final List<String> WORDS = List.of("invoice", "news", "hello", "für", "alice", "example",
            "shop", "re:", "Week", "x");
    private static final List<String> HEADER_NAMES = List.of("List-Id", "X-Spam", "Subject", "From", "To");
    private static final List<String> REGEXES = List.of("(?i)\\binvoice\\b", "^Re:", "news", "ü", "\\d+",
            "example\\.org>$", "yes", "^$");
    private static final List<String> MAILBOXES = List.of("A", "B", "Trash");

    private final Random random;
    /** Leaves mostly flags and regexes: where header needs and flag changes interact. */
    private final boolean flagsAndRegexes;

    RandomScenarios(long seed) {
        this(seed, false);
    }

    RandomScenarios(long seed, boolean flagsAndRegexes) {
        this.random = new Random(seed);
        this.flagsAndRegexes = flagsAndRegexes;
    }

    List<MemoryMessage> mailbox(int maxMessages) {
        int n = random.nextInt(maxMessages + 1);
        List<MemoryMessage> out = new ArrayList<>(n);
        long uid = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            out.add(message(uid));
            uid += 1 + (random.nextInt(4) == 0 ? random.nextInt(100) : 0);
        }
        return out;
    }

    MemoryMessage message(long uid) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("From", List.of(pick(SENDERS)));
        headers.put("To", List.of(random.nextBoolean() ? "alice@example.org" : "team@example.com"));
        if (random.nextInt(3) == 0) {
            headers.put("Cc", List.of(pick(SENDERS)));
        }
        if (random.nextInt(5) != 0) {
            headers.put("Subject", random.nextInt(8) == 0
                    ? List.of(pick(SUBJECTS), pick(SUBJECTS)) : List.of(pick(SUBJECTS)));
        }
        if (random.nextInt(3) == 0) {
            headers.put("List-Id", List.of(random.nextBoolean() ? "<announce.shop.example>" : "<dev.lists.example>"));
        }
        if (random.nextInt(3) == 0) {
            headers.put("X-Spam", List.of(random.nextBoolean() ? "yes" : "no"));
        }
        String body = pick(WORDS) + " " + pick(WORDS);
        long internal = internalDate();
        LocalDate sent = Instant.ofEpochMilli(internal).atZone(ZoneOffset.UTC).toLocalDate().minusDays(random.nextInt(3));
        long size = random.nextInt(4) == 0 ? pick(List.of(1000L, 5000L)) : 200 + random.nextInt(30_000);
        return new MemoryMessage(uid, headers, body, internal, sent, size, flags(0.3, 0.12));
    }

    private long internalDate() {
        long now = NOW.toEpochMilli();
        if (random.nextInt(3) == 0) {
            // On, just before and just after an age boundary: exact comparisons must agree.
            return now - pick(AGES).toMillis() + (random.nextInt(3) - 1);
        }
        return now - (long) (random.nextDouble() * Duration.ofDays(60).toMillis());
    }

    private Set<Flag> flags(double p, double deletedP) {
        Set<Flag> out = new HashSet<>();
        for (Flag f : FLAGS) {
            if (random.nextDouble() < (f.equals(Flag.DELETED) ? deletedP : p)) {
                out.add(f);
            }
        }
        return out;
    }

    List<RuleSpec> rules(int max) {
        int n = 1 + random.nextInt(max);
        List<RuleSpec> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(rule("r" + i));
        }
        return out;
    }

    RuleSpec rule(String name) {
        Criterion match = criterion(3);
        FlagChange change = flagChange();
        Disposition disposition = disposition();
        Optional<String> copyTo = random.nextInt(4) == 0 ? Optional.of(random.nextBoolean() ? "C" : "A") : Optional.empty();
        boolean stop = random.nextInt(5) == 0;
        return new RuleSpec(name, match, change, disposition, copyTo, stop);
    }

    private FlagChange flagChange() {
        int k = random.nextInt(10);
        if (k < 4) {
            return FlagChange.NONE;
        }
        if (k < 8) {
            Set<Flag> add = new HashSet<>();
            Set<Flag> remove = new HashSet<>();
            for (Flag f : FLAGS) {
                int r = random.nextInt(7);
                if (r == 0) {
                    add.add(f);
                } else if (r == 1) {
                    remove.add(f);
                }
            }
            return new FlagChange.Delta(add, remove);
        }
        return new FlagChange.Replace(flags(0.3, 0.2));
    }

    private Disposition disposition() {
        int k = random.nextInt(20);
        if (k < 11) {
            return Disposition.KEEP;
        }
        if (k < 14) {
            return Disposition.DELETE;
        }
        if (k < 16) {
            return Disposition.TRASH;
        }
        return new Disposition.MoveTo(pick(MAILBOXES));
    }

    Criterion criterion(int depth) {
        int k = random.nextInt(depth > 0 ? 14 : 10);
        if (flagsAndRegexes && k < 10) {
            k = pick(List.of(2, 3, 8, 8, 0, 9));
        }
        return switch (k) {
            case 0 -> new Criterion.Text(pick(List.of(Criterion.TextField.values())), pick(WORDS));
            case 1 -> new Criterion.Header(pick(HEADER_NAMES), pick(List.of("announce", "yes", "", "Example")));
            case 2, 3 -> new Criterion.FlagIs(pick(FLAGS), random.nextBoolean());
            case 4 -> new Criterion.Age(pick(AGES), random.nextBoolean());
            case 5 -> random.nextBoolean()
                    ? new Criterion.ReceivedDate(pick(List.of(Criterion.DateOp.values())), TODAY.minusDays(random.nextInt(40)))
                    : new Criterion.SentDate(pick(List.of(Criterion.DateOp.values())), TODAY.minusDays(random.nextInt(40)));
            case 6 -> new Criterion.SentAge(random.nextInt(40), random.nextBoolean());
            case 7 -> new Criterion.Size(pick(List.of(1000L, 5000L, 20_000L)), random.nextBoolean());
            case 8 -> new Criterion.HeaderRegex(randomCase(pick(HEADER_NAMES)), Pattern.compile(pick(REGEXES)));
            case 9 -> random.nextInt(3) == 0 ? new Criterion.All() : new Criterion.FlagIs(pick(FLAGS), random.nextBoolean());
            case 10, 11 -> new Criterion.And(parts(depth));
            case 12 -> new Criterion.Or(parts(depth));
            default -> new Criterion.Not(criterion(depth - 1));
        };
    }

    private List<Criterion> parts(int depth) {
        int n = 1 + random.nextInt(3);
        List<Criterion> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(criterion(depth - 1));
        }
        return out;
    }

    private String randomCase(String s) {
        int k = random.nextInt(3);
        return k == 0 ? s.toLowerCase(java.util.Locale.ROOT) : k == 1 ? s.toUpperCase(java.util.Locale.ROOT) : s;
    }

    <T> T pick(List<T> items) {
        return items.get(random.nextInt(items.size()));
    }
}
