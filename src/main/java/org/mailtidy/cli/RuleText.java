package org.mailtidy.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.mailtidy.rules.Disposition;
import org.mailtidy.rules.Flag;
import org.mailtidy.rules.FlagChange;
import org.mailtidy.rules.RuleSpec;

/** A rule's actions in the configuration's own words, for {@code check} and {@code demo}. */
final class RuleText {
    private RuleText() {
    }

    static String actions(RuleSpec r) {
        List<String> parts = new ArrayList<>();
        if (r.flagChange() instanceof FlagChange.Replace rep) {
            parts.add("set_flags " + names(rep.flags()));
        } else if (r.flagChange() instanceof FlagChange.Delta d) {
            if (!d.add().isEmpty()) {
                parts.add("add_flags " + names(d.add()));
            }
            if (!d.remove().isEmpty()) {
                parts.add("remove_flags " + names(d.remove()));
            }
        }
        r.copyTo().ifPresent(m -> parts.add("copy_to " + m));
        Disposition d = r.disposition();
        if (d instanceof Disposition.Delete) {
            parts.add("delete");
        } else if (d instanceof Disposition.Trash) {
            parts.add("trash");
        } else if (d instanceof Disposition.MoveTo m) {
            parts.add("move_to " + m.mailbox());
        }
        if (r.stop()) {
            parts.add("stop");
        }
        return String.join(", ", parts);
    }

    private static String names(java.util.Set<Flag> flags) {
        return flags.isEmpty() ? "[]" : flags.stream().map(Flag::name).collect(Collectors.joining(" "));
    }
}
