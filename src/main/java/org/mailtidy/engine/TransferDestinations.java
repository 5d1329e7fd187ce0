package org.mailtidy.engine;

import org.mailtidy.imap.TransferRequest;
import org.mailtidy.imap.TransferOutcome;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.mailtidy.imap.ImapException;
import org.mailtidy.imap.ImapSession;
import org.mailtidy.imap.MailboxSession;

/**
 * The destinations of a batch's copies and moves, created when the server says they do not exist.
 * In a flight ({@link TransferFlight}) a destination the connection does not know to exist gets a
 * CREATE in front of its COPY or MOVE (imap's TransferFlights); where that was not enough, and for
 * the commands sent one by one, a COPY or MOVE refused with {@code [TRYCREATE]} (RFC 3501 section
 * 6.4.7: it did nothing) has its destination created and is sent again. A refusal without TRYCREATE
 * is checked with LIST.
 */
final class TransferDestinations {
    private final ImapSession connection;
    private final Set<String> known = new LinkedHashSet<>();

    TransferDestinations(ImapSession connection) {
        this.connection = connection;
    }

    interface ToDestination<T> {
        T send() throws ImapException;
    }

    /** Sends a COPY or MOVE to {@code mailbox}, creating it and sending again where it did not exist. */
    <T> T send(String mailbox, ToDestination<T> command) throws ImapException {
        if (known.contains(mailbox)) {
            return command.send();
        }
        try {
            T done = command.send();
            known.add(mailbox);
            return done;
        } catch (ImapException.NoResponse refused) {
            String text = refused.serverResponse() == null ? "" : refused.serverResponse();
            boolean tryCreate = text.toUpperCase(Locale.ROOT).contains("[TRYCREATE]");
            if (tryCreate) {
                connection.create(mailbox);
                known.add(mailbox);
            } else if (connection.list(mailbox).contains(mailbox)) {
                throw refused;
            } else {
                ensureExists(mailbox);
            }
            return command.send();
        }
    }

    void ensureExists(String mailbox) throws ImapException {
        if (known.add(mailbox)) {
            connection.createIfMissing(mailbox);
        }
    }

    /** A destination a command of a flight reached. */
    void exists(String mailbox) {
        known.add(mailbox);
    }

    /**
     * The commands of a flight refused because their destination does not exist ({@code [TRYCREATE]},
     * or a refusal without it for a mailbox LIST does not show): the destinations created and the
     * commands sent again, together in one flight. Their outcomes replace the refusals in {@code outcomes}.
     */
    void retryCreated(MailboxSession box, List<TransferRequest> requests,
                      List<TransferOutcome> outcomes) throws ImapException {
        Set<String> create = new LinkedHashSet<>();
        List<Integer> retry = new ArrayList<>();
        for (int r = 0; r < requests.size(); r++) {
            TransferOutcome o = outcomes.get(r);
            String mailbox = requests.get(r).mailbox();
            if (o.refusal().isEmpty() || o.refusedUids().length == 0 || known.contains(mailbox)) {
                continue;
            }
            if (o.tryCreate() || !create.contains(mailbox) && !connection.list(mailbox).contains(mailbox)) {
                create.add(mailbox);
                retry.add(r);
            } else if (create.contains(mailbox)) {
                retry.add(r);
            }
        }
        if (retry.isEmpty()) {
            return;
        }
        List<TransferRequest> again = retry.stream().map(r -> new TransferRequest(
                outcomes.get(r).refusedUids(), requests.get(r).mailbox(), requests.get(r).move())).toList();
        List<TransferOutcome> retried = box.transferAll(again, create);
        known.addAll(create);
        for (int i = 0; i < retry.size(); i++) {
            int r = retry.get(i);
            TransferOutcome first = outcomes.get(r);
            TransferOutcome second = retried.get(i);
            outcomes.set(r, new TransferOutcome(first.done().plus(second.done()),
                    second.refusedUids(), second.refusal(), second.tryCreate()));
        }
    }
}
