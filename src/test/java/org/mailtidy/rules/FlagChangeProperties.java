package org.mailtidy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The laws of docs/architecture.md, "The flag-change algebra". */
class FlagChangeProperties {

    @Property
    void compositionIsAssociative(@ForAll("changes") FlagChange a, @ForAll("changes") FlagChange b,
                                  @ForAll("changes") FlagChange c) {
        assertThat(a.then(b).then(c)).isEqualTo(a.then(b.then(c)));
    }

    @Property
    void noneIsTheIdentity(@ForAll("changes") FlagChange c) {
        assertThat(FlagChange.NONE.then(c)).isEqualTo(c);
        assertThat(c.then(FlagChange.NONE)).isEqualTo(c);
    }

    @Property
    void applyingTheCompositionIsApplyingOneAfterTheOther(@ForAll("changes") FlagChange a,
                                                          @ForAll("changes") FlagChange b,
                                                          @ForAll("flagSets") Set<Flag> flags) {
        assertThat(a.then(b).applyTo(flags)).isEqualTo(b.applyTo(a.applyTo(flags)));
    }

    @Property
    void aDeltaOnlyTouchesItsOwnFlags(@ForAll("deltas") FlagChange.Delta d, @ForAll("flagSets") Set<Flag> flags) {
        Set<Flag> after = d.applyTo(flags);
        assertThat(after).containsAll(d.add());
        assertThat(java.util.Collections.disjoint(after, d.remove())).isTrue();
        Set<Flag> untouched = new HashSet<>(flags);
        untouched.removeAll(d.remove());
        assertThat(after).containsAll(untouched);
    }

    @Provide
    Arbitrary<Set<Flag>> flagSets() {
        return Arbitraries.of(RandomScenarios.FLAGS).set().ofMaxSize(RandomScenarios.FLAGS.size());
    }

    @Provide
    Arbitrary<FlagChange.Delta> deltas() {
        return Combinators.combine(flagSets(), flagSets()).as((add, remove) -> {
            Set<Flag> r = new HashSet<>(remove);
            r.removeAll(add);
            return new FlagChange.Delta(add, r);
        });
    }

    @Provide
    Arbitrary<FlagChange> changes() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, deltas().map(d -> (FlagChange) d)),
                net.jqwik.api.Tuple.of(2, flagSets().map(s -> (FlagChange) new FlagChange.Replace(s))),
                net.jqwik.api.Tuple.of(1, Arbitraries.just((FlagChange) FlagChange.NONE)));
    }
}
