package org.mailtidy.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.mailtidy.rules.Flag;
import org.mailtidy.rules.RuleSpec;

/** A rule's actions in the configuration's own words, for {@code check} and {@code demo}. */
final class RuleText {
    private RuleText() {
    }

    static String actions(RuleSpec r) {
        List<String> parts = new ArrayList<>();
        parts.addAll(r.flagChange().match(rep -> List.of("set_flags " + names(rep.flags())), d -> {
            List<String> out = new ArrayList<>();
            if (!d.add().isEmpty()) {
                out.add("add_flags " + names(d.add()));
            }
            if (!d.remove().isEmpty()) {
                out.add("remove_flags " + names(d.remove()));
            }
            return out;
        }));
        r.copyTo().ifPresent(m -> parts.add("copy_to " + m));
        r.disposition().<Optional<String>>match(k -> Optional.empty(), d -> Optional.of("delete"),
                t -> Optional.of("trash"), m -> Optional.of("move_to " + m.mailbox())).ifPresent(parts::add);
        if (r.stop()) {
            parts.add("stop");
        }
        return String.join(", ", parts);
    }

    private static String names(java.util.Set<Flag> flags) {
        return flags.isEmpty() ? "[]" : flags.stream().map(Flag::name).collect(Collectors.joining(" "));
    }
}
