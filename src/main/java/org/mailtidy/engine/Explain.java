package org.mailtidy.engine;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.LongStream;
import org.mailtidy.imap.ImapConnection;
import org.mailtidy.imap.ImapException;
import org.mailtidy.imap.MessageTable;
import org.mailtidy.mail.MailboxRef;
import org.mailtidy.mail.SearchArg;
import org.mailtidy.imap.SelectedMailbox;
import org.mailtidy.mail.Uid;
import org.mailtidy.rules.CriteriaKinds;
import org.mailtidy.rules.Explainer;
import org.mailtidy.rules.ImapSearch;
import org.mailtidy.rules.MailboxSnapshot;
import org.mailtidy.rules.PlanContext;
import org.mailtidy.rules.RuleSpec;
import org.mailtidy.rules.SearchProgram;

/**
 * {@code mailtidy explain}: opens the mailbox read-only (EXAMINE), finds the message, observes it as
 * a run does (its row of the flag table, one {@code UID SEARCH} per server-side criterion restricted
 * to its UID, its regex header fields) and hands that to {@link Explainer}, which plans with the
 * run's planner.
 */
public final class Explain {

    /** The message and its explanation, or why there is none. */
    public record Result(Optional<Found> found, String notFound) {
    }

    /**
     * @param plannedCommands what a run would send for this message, one line each
     * @param otherUids       other messages with the same Message-ID (explained: the first)
     */
    public record Found(MailboxRef where, long uidValidity, Uid uid, String messageId,
                        Instant internalDate, long size, List<String> flags, Explainer.Explanation explanation,
                        List<String> plannedCommands, List<Long> otherUids) {
    }

    private Explain() {
    }

    public static Result explain(ImapConnection connection, MailboxRef where, List<RuleSpec> rules,
                                 Optional<String> configuredTrash, Instant now, java.time.ZoneId zone,
                                 Optional<Long> uid, Optional<String> messageId) throws ImapException {
        String account = where.account();
        String mailbox = where.mailbox();
        PlanContext context = new PlanContext(now, LocalDate.ofInstant(now, zone),
                RulesOnServer.trashMailbox(connection, account, rules, configuredTrash));
        List<RuleSpec> effective = RulesOnServer.rulesIn(mailbox, rules, context, Provider.isGmail(connection),
                connection.sentDatesInUtc());
        try (SelectedMailbox box = connection.select(mailbox, true)) {
            List<Long> candidates = new ArrayList<>();
            if (uid.isPresent()) {
                candidates.add(uid.get());
            } else {
                long[] hits = box.uidSearch(List.of(new SearchArg.Atom("HEADER"), new SearchArg.Atom("Message-ID"),
                        new SearchArg.Str(messageId.orElseThrow())), false);
                Map<Long, String> ids = hits.length == 0 ? Map.of() : box.fetchMessageIds(hits);
                LongStream.of(hits).filter(u -> messageId.get().trim().equals(ids.getOrDefault(u, "").trim()))
                        .forEach(candidates::add);
            }
            if (candidates.isEmpty()) {
                return new Result(Optional.empty(), "no message with Message-ID " + messageId.orElse("") + " in "
                        + account + " " + mailbox);
            }
            long chosen = candidates.get(0);
            MessageTable table = row(box.fetchTable(chosen), chosen);
            if (table == null) {
                return new Result(Optional.empty(), "no message with UID " + chosen + " in " + account + " "
                        + mailbox + " (UIDVALIDITY " + box.uidValidity() + ")");
            }
            MailboxSnapshot snapshot = Snapshots.of(box.uidValidity(), table);
            ServerEvidence evidence = new ServerEvidence();
            for (var q : Explainer.serverQueries(effective)) {
                SearchProgram program = ImapSearch.render(q, context.today());
                List<SearchArg> args = new ArrayList<>();
                args.add(new SearchArg.Atom("UID"));
                args.add(new SearchArg.Atom(Long.toString(chosen)));
                args.addAll(program.tokens());
                evidence.addSearch(q, box.uidSearch(args, program.utf8(), snapshot.uids()));
            }
            Set<String> headers = new LinkedHashSet<>(List.of("Message-ID"));
            effective.forEach(r -> headers.addAll(CriteriaKinds.regexHeaders(r.match())));
            Map<String, List<String>> fields = box.fetchHeaderFields(new long[] {chosen}, headers)
                    .getOrDefault(chosen, Map.of());
            evidence.addHeaders(0, fields);
            Explainer.Explanation explanation = Explainer.explain(effective, snapshot, evidence, context);
            List<String> ids = fields.getOrDefault("Message-ID", List.of());
            return new Result(Optional.of(new Found(where, box.uidValidity(), Uid.of(chosen),
                    ids.isEmpty() ? null : ids.get(0).trim(), Instant.ofEpochMilli(table.internalDates()[0]),
                    table.sizes()[0], snapshotFlags(snapshot), explanation,
                    org.mailtidy.rules.PlanText.commands(explanation.plan()),
                    candidates.subList(1, candidates.size()))), "");
        }
    }

    private static List<String> snapshotFlags(MailboxSnapshot snapshot) {
        String text = Explainer.flagText(snapshot.flags(0));
        return text.equals("(none)") ? List.of() : List.of(text.split(" "));
    }

    /** The row of {@code uid} alone, or null when the table has none. */
    private static MessageTable row(MessageTable table, long uid) {
        int i = table.indexOf(uid);
        if (i < 0) {
            return null;
        }
        return new MessageTable(new long[] {uid}, new int[] {0}, List.of(table.flags(i)),
                new long[] {table.internalDates()[i]}, new long[] {table.sizes()[i]});
    }
}
