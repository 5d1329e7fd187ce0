package org.mailtidy.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;
import org.mailtidy.engine.journal.CopyJournal;
import org.mailtidy.imap.CopiedUids;
import org.mailtidy.imap.ImapException;
import org.mailtidy.imap.MailboxSession;
import org.mailtidy.rules.Flag;
import org.mailtidy.rules.MailboxPlan;

/**
 * The audit lines of one mailbox run: made from the plan before sending, completed with what only
 * the sending told (destination UIDs, mod-sequence guards), and cut to what the server acknowledged.
 */
record RunAuditLines(String runId, String account, String mailbox) {

    /** One line per audit entry of the plan, with each message's Message-ID. */
    List<AuditLog.Line> ofPlan(MailboxSession box, MailboxPlan plan, Instant time) throws ImapException {
        if (plan.audit().isEmpty()) {
            return List.of();
        }
        long[] uids = plan.audit().stream().mapToLong(e -> e.uid()).distinct().sorted().toArray();
        Map<Long, String> ids = box.fetchMessageIds(uids);
        List<AuditLog.Line> lines = new ArrayList<>(plan.audit().size());
        Map<Set<Flag>, List<String>> names = new HashMap<>();
        for (int i = 0; i < plan.audit().size(); i++) {
            var e = plan.audit().get(i);
            lines.add(new AuditLog.Line(time, runId, account, mailbox, box.uidValidity(), e.uid(), ids.get(e.uid()),
                    e.rule(), e.action(), flagNames(names, plan.auditFlagsBefore(i)),
                    flagNames(names, plan.auditFlagsAfter(i)), AuditLog.destination(e.action()), 0, 0, null, null,
                    0));
        }
        return lines;
    }

    /** The flag names of a set, made once per distinct set. */
    private static List<String> flagNames(Map<Set<Flag>, List<String>> names, Set<Flag> flags) {
        return names.computeIfAbsent(flags, f -> f.stream().map(Flag::name).toList());
    }

    /** Per owed copy, one line per message ({@code copy_to}, by the copying rule). */
    List<List<AuditLog.Line>> ofOwed(MailboxSession box, List<CopyJournal.Copy> owed, Instant time)
            throws ImapException {
        if (owed.isEmpty()) {
            return List.of();
        }
        long[] all = owed.stream().flatMapToLong(c -> LongStream.of(c.uids())).sorted().distinct()
                .toArray();
        Map<Long, String> ids = box.fetchMessageIds(all);
        List<List<AuditLog.Line>> out = new ArrayList<>();
        for (CopyJournal.Copy c : owed) {
            List<AuditLog.Line> lines = new ArrayList<>();
            for (long uid : c.uids()) {
                lines.add(new AuditLog.Line(time, runId, account, mailbox, box.uidValidity(), uid, ids.get(uid),
                        c.rule(), "copy_to " + c.mailbox(), List.of(), List.of(), c.mailbox(), 0, 0, null, null, 0));
            }
            out.add(lines);
        }
        return out;
    }

    /**
     * The lines with what only the sending told: each copy's or moved message's UID in its destination
     * (COPYUID) and the mod-sequence guard of the message's state after the run.
     */
    static List<AuditLog.Line> where(List<AuditLog.Line> lines, MailboxSession box, BatchExecutor executor) {
        if (lines.isEmpty()) {
            return lines;
        }
        Map<String, CopiedUids> targets = new HashMap<>();
        executor.planCopied().forEach((key, c) -> targets.put("copy_to\u0000" + key, ascending(c)));
        executor.moved().forEach((mailbox, c) -> targets.put("moved\u0000" + mailbox, ascending(c)));
        List<AuditLog.Line> out = new ArrayList<>(lines.size());
        for (AuditLog.Line l : lines) {
            AuditLog.Line line = l.withModSeq(box.unchangedSinceGuard(l.uid()));
            if (l.destination() != null) {
                String key = l.action().startsWith("copy_to ") ? "copy_to\u0000" + BatchExecutor.copyKey(l.rule(),
                        l.destination()) : "moved\u0000" + l.destination();
                CopiedUids c = targets.get(key);
                int i = c == null ? -1 : Arrays.binarySearch(c.source(), l.uid());
                if (i >= 0) {
                    line = line.withDestinationUid(c.uidValidity(), c.target()[i]);
                }
            }
            out.add(line);
        }
        return out;
    }

    /** The same pairs ordered by source UID, for binary search (no map of a million boxed UIDs). */
    private static CopiedUids ascending(CopiedUids c) {
        long[] source = c.source();
        boolean sorted = true;
        for (int i = 1; i < source.length && sorted; i++) {
            sorted = source[i - 1] < source[i];
        }
        if (sorted) {
            return c;
        }
        Integer[] order = new Integer[source.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(source[a], source[b]));
        long[] s = new long[order.length];
        long[] t = new long[order.length];
        for (int i = 0; i < order.length; i++) {
            s[i] = source[order[i]];
            t[i] = c.target()[order[i]];
        }
        return new CopiedUids(c.uidValidity(), s, t);
    }

    /** The owed copies' lines with their copies' UIDs, where the server named them. */
    static List<List<AuditLog.Line>> where(List<List<AuditLog.Line>> owedAudit, BatchExecutor executor) {
        List<List<AuditLog.Line>> out = new ArrayList<>(owedAudit.size());
        for (int i = 0; i < owedAudit.size(); i++) {
            if (i >= executor.owedCopied().size()) {
                out.add(owedAudit.get(i));
                continue;
            }
            var copied = executor.owedCopied().get(i);
            Map<Long, Long> targets = copied.targetBySource();
            out.add(owedAudit.get(i).stream().map(l -> targets.containsKey(l.uid())
                    ? l.withDestinationUid(copied.uidValidity(), targets.get(l.uid())) : l).toList());
        }
        return out;
    }

    /** The owed copies' lines that were sent, then the plan's lines of messages not in {@code unfinished}. */
    static List<AuditLog.Line> acknowledged(List<List<AuditLog.Line>> owedAudit, int owedSent,
                                            List<AuditLog.Line> audit, Set<Long> unfinished) {
        List<AuditLog.Line> out = new ArrayList<>();
        owedAudit.subList(0, Math.min(owedSent, owedAudit.size())).forEach(out::addAll);
        for (AuditLog.Line l : audit) {
            if (!unfinished.contains(l.uid())) {
                out.add(l);
            }
        }
        return out;
    }
}
