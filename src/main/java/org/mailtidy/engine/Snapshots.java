package org.mailtidy.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.mailtidy.imap.MessageTable;
import org.mailtidy.rules.Flag;
import org.mailtidy.rules.MailboxSnapshot;

/** Parses the flag names of the IMAP layer's message table for the planner; the columns are shared, not copied. */
final class Snapshots {
    private Snapshots() {
    }

    static MailboxSnapshot of(long uidValidity, MessageTable table) {
        List<Set<Flag>> sets = new ArrayList<>(table.flagSets().size());
        for (List<String> names : table.flagSets()) {
            TreeSet<Flag> flags = new TreeSet<>();
            for (String name : names) {
                Flag f = Flag.of(name);
                if (!f.equals(Flag.RECENT)) {
                    flags.add(f);
                }
            }
            sets.add(Collections.unmodifiableSet(flags));
        }
        return new MailboxSnapshot(uidValidity, table, sets);
    }

}
