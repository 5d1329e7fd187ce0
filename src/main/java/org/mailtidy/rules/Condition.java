package org.mailtidy.rules;

import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.regex.Matcher;

/**
 * A rule's criteria compiled for evaluation over many messages at once: each node maps a set of
 * messages (a {@link BitSet} of snapshot indexes) to the subset that satisfies it. Server-side
 * subtrees become one node answered by the server's {@code UID SEARCH}.
 */
sealed interface Condition {

    /** The messages of {@code mask} that satisfy this condition (a new set). */
    BitSet eval(BitSet mask, Facts facts);

    /**
     * Kleene evaluation where regex values and flags that earlier rules may have changed are
     * unknown: the messages of {@code mask} that surely satisfy, and those that surely do not.
     */
    Tri evalKleene(BitSet mask, Facts facts);

    /** Three-valued answer; messages in neither set are unknown. */
    record Tri(BitSet yes, BitSet no) {
        static Tri known(BitSet yes, BitSet mask) {
            BitSet no = (BitSet) mask.clone();
            no.andNot(yes);
            return new Tri(yes, no);
        }
    }

    static Condition compile(Criterion c) {
        if (CriteriaKinds.isServerSide(c) && !CriteriaKinds.isConstant(c)) {
            return new Server(c);
        }
        return c.accept(new Compiler());
    }

    record Constant(boolean value) implements Condition {
        public BitSet eval(BitSet mask, Facts facts) {
            return value ? (BitSet) mask.clone() : new BitSet();
        }

        public Tri evalKleene(BitSet mask, Facts facts) {
            return Tri.known(eval(mask, facts), mask);
        }
    }

    record Server(Criterion subtree) implements Condition {
        public BitSet eval(BitSet mask, Facts facts) {
            return facts.serverMatches(subtree, mask);
        }

        public Tri evalKleene(BitSet mask, Facts facts) {
            return Tri.known(eval(mask, facts), mask);
        }
    }

    record And(List<Condition> parts) implements Condition {
        /** Later parts are evaluated only where earlier ones held, so regexes run on fewer messages. */
        public BitSet eval(BitSet mask, Facts facts) {
            BitSet holding = mask;
            for (Condition p : parts) {
                holding = p.eval(holding, facts);
            }
            return holding == mask ? (BitSet) mask.clone() : holding;
        }

        public Tri evalKleene(BitSet mask, Facts facts) {
            BitSet yes = (BitSet) mask.clone();
            BitSet no = new BitSet();
            for (Condition p : parts) {
                Tri t = p.evalKleene(mask, facts);
                yes.and(t.yes());
                no.or(t.no());
            }
            return new Tri(yes, no);
        }
    }

    record Or(List<Condition> parts) implements Condition {
        public BitSet eval(BitSet mask, Facts facts) {
            BitSet holding = new BitSet();
            BitSet open = (BitSet) mask.clone();
            for (Condition p : parts) {
                if (open.isEmpty()) {
                    break;
                }
                BitSet t = p.eval(open, facts);
                holding.or(t);
                open.andNot(t);
            }
            return holding;
        }

        public Tri evalKleene(BitSet mask, Facts facts) {
            BitSet yes = new BitSet();
            BitSet no = (BitSet) mask.clone();
            for (Condition p : parts) {
                Tri t = p.evalKleene(mask, facts);
                yes.or(t.yes());
                no.and(t.no());
            }
            return new Tri(yes, no);
        }
    }

    record Not(Condition part) implements Condition {
        public BitSet eval(BitSet mask, Facts facts) {
            BitSet out = (BitSet) mask.clone();
            out.andNot(part.eval(mask, facts));
            return out;
        }

        public Tri evalKleene(BitSet mask, Facts facts) {
            Tri t = part.evalKleene(mask, facts);
            return new Tri(t.no(), t.yes());
        }
    }

    /** Tested on the flags as earlier rules left them. */
    record FlagTest(Flag flag, boolean present) implements Condition {
        public BitSet eval(BitSet mask, Facts facts) {
            return select(mask, facts, facts.flagSetIds);
        }

        public Tri evalKleene(BitSet mask, Facts facts) {
            BitSet unknown = facts.flagUnknown(flag, mask);
            BitSet known = (BitSet) mask.clone();
            known.andNot(unknown);
            BitSet yes = select(known, facts, facts.flagSetIds);
            known.andNot(yes);
            return new Tri(yes, known);
        }

        private BitSet select(BitSet mask, Facts facts, int[] ids) {
            boolean[] has = facts.table.membership(flag);
            BitSet out = new BitSet();
            for (int m = mask.nextSetBit(0); m >= 0; m = mask.nextSetBit(m + 1)) {
                if (has[ids[m]] == present) {
                    out.set(m);
                }
            }
            return out;
        }
    }

    /** Exact to the millisecond: a message exactly at the boundary is newer, not older. */
    record AgeTest(Duration age, boolean older) implements Condition {
        public BitSet eval(BitSet mask, Facts facts) {
            long boundary = facts.nowMillis - age.toMillis();
            long[] dates = facts.internalDates;
            BitSet out = new BitSet();
            for (int m = mask.nextSetBit(0); m >= 0; m = mask.nextSetBit(m + 1)) {
                if ((dates[m] < boundary) == older) {
                    out.set(m);
                }
            }
            return out;
        }

        public Tri evalKleene(BitSet mask, Facts facts) {
            return Tri.known(eval(mask, facts), mask);
        }
    }

    /** RFC 3501 LARGER/SMALLER: strictly greater / smaller than the size. */
    record SizeTest(long bytes, boolean larger) implements Condition {
        public BitSet eval(BitSet mask, Facts facts) {
            long[] sizes = facts.sizes;
            BitSet out = new BitSet();
            for (int m = mask.nextSetBit(0); m >= 0; m = mask.nextSetBit(m + 1)) {
                if (larger ? sizes[m] > bytes : sizes[m] < bytes) {
                    out.set(m);
                }
            }
            return out;
        }

        public Tri evalKleene(BitSet mask, Facts facts) {
            return Tri.known(eval(mask, facts), mask);
        }
    }

    /**
     * Any occurrence that {@code find()}s matches; an absent or unfetched field does not. An
     * outcome the evidence already knows is taken as is, and is known to the Kleene evaluation.
     */
    record RegexTest(Criterion.HeaderRegex regex) implements Condition {
        public BitSet eval(BitSet mask, Facts facts) {
            RegexOutcomes known = facts.knownOutcomes(regex);
            BitSet out = (BitSet) mask.clone();
            out.and(known.matching());
            BitSet open = (BitSet) mask.clone();
            open.andNot(known.known());
            out.or(finds(regex, open, facts::headerValues));
            return out;
        }

        public Tri evalKleene(BitSet mask, Facts facts) {
            RegexOutcomes known = facts.knownOutcomes(regex);
            BitSet yes = (BitSet) mask.clone();
            yes.and(known.matching());
            BitSet no = (BitSet) mask.clone();
            no.and(known.known());
            no.andNot(known.matching());
            return new Tri(yes, no);
        }

        /** Header values of a message, {@code null} when not fetched. */
        @FunctionalInterface
        interface Values {
            List<String> of(int message, String header);
        }

        /** The messages of {@code mask} with an occurrence of the header that the pattern finds. */
        static BitSet finds(Criterion.HeaderRegex regex, BitSet mask, Values values) {
            Matcher matcher = regex.pattern().matcher("");
            BitSet out = new BitSet();
            for (int m = mask.nextSetBit(0); m >= 0; m = mask.nextSetBit(m + 1)) {
                if (anyFinds(matcher, values.of(m, regex.header()))) {
                    out.set(m);
                }
            }
            return out;
        }

        // One matcher, reset per value: a million messages should not cost a million matchers.
        private static boolean anyFinds(Matcher matcher, List<String> values) {
            if (values == null) {
                return false;
            }
            for (int i = 0; i < values.size(); i++) {
                if (matcher.reset(values.get(i)).find()) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Turns a criteria tree into conditions; server-side subtrees are caught by {@link #compile} first. */
    final class Compiler implements Criterion.Visitor<Condition> {
        public Condition all(Criterion.All c) {
            return new Constant(true);
        }

        /** Server-side operands of one AND are asked in one search (see {@link CriteriaKinds#groupedAnd}). */
        public Condition and(Criterion.And c) {
            return new And(CriteriaKinds.groupedAnd(c).stream().map(Condition::compile).toList());
        }

        public Condition or(Criterion.Or c) {
            return new Or(c.parts().stream().map(Condition::compile).toList());
        }

        public Condition not(Criterion.Not c) {
            return new Not(compile(c.part()));
        }

        public Condition text(Criterion.Text c) {
            return new Server(c);
        }

        public Condition header(Criterion.Header c) {
            return new Server(c);
        }

        public Condition flag(Criterion.FlagIs c) {
            return new FlagTest(c.flag(), c.present());
        }

        public Condition age(Criterion.Age c) {
            return new AgeTest(c.age(), c.older());
        }

        public Condition receivedDate(Criterion.ReceivedDate c) {
            return new Server(c);
        }

        public Condition sentDate(Criterion.SentDate c) {
            return new Server(c);
        }

        public Condition sentAge(Criterion.SentAge c) {
            return new Server(c);
        }

        public Condition size(Criterion.Size c) {
            return new SizeTest(c.bytes(), c.larger());
        }

        public Condition regex(Criterion.HeaderRegex c) {
            return new RegexTest(c);
        }
    }
}
