package org.mailtidy.imap;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the untagged responses of a selected mailbox's commands say about the mailbox: EXISTS,
 * EXPUNGE and VANISHED keep the message count current and tell whether a command expunged
 * anything; a UIDVALIDITY other than the one at SELECT makes every UID of the session stale.
 */
final class UntaggedResponses {
    private static final Logger LOG = LoggerFactory.getLogger(SelectedMailbox.class);
    private static final Pattern UIDVALIDITY_CODE = Pattern.compile("^\\[UIDVALIDITY (\\d+)]",
            Pattern.CASE_INSENSITIVE);

    private final String name;
    private final long uidValidity;
    private volatile int exists;
    private volatile boolean uidValidityChanged;
    /** EXPUNGE and VANISHED responses seen so far, to tell whether a command expunged anything. */
    private long expungeReports;
    private long reportsBeforeCommand;

    UntaggedResponses(String name, long uidValidity, int exists) {
        this.name = name;
        this.uidValidity = uidValidity;
        this.exists = exists;
    }

    int exists() {
        return exists;
    }

    boolean uidValidityChanged() {
        return uidValidityChanged;
    }

    /** Marks the start of a command, for {@link #expungedSinceCommandStarted()}. */
    void commandStarts() {
        reportsBeforeCommand = expungeReports;
    }

    boolean expungedSinceCommandStarted() {
        return expungeReports > reportsBeforeCommand;
    }

    void observe(Response r) {
        if (r instanceof IMAPResponse ir && ir.keyEquals("EXISTS")) {
            exists = ir.getNumber();
        } else if (r instanceof IMAPResponse ir && ir.keyEquals("EXPUNGE")) {
            exists--;
            expungeReports++;
        } else if (Vanished.is(r)) {
            expungeReports++;
            try {
                exists -= (int) Vanished.expunged(r);
            } catch (IllegalArgumentException e) {
                LOG.debug("{}: unreadable VANISHED response ignored: {}", name, e.getMessage());
            }
        }
        if (!r.isUnTagged() || !r.isOK()) {
            return;
        }
        Matcher m = UIDVALIDITY_CODE.matcher(new Response(r).getRest());
        if (m.find() && Long.parseLong(m.group(1)) != uidValidity) {
            LOG.warn("UIDVALIDITY of {} changed from {} to {}; sending nothing more for it", name, uidValidity,
                    m.group(1));
            uidValidityChanged = true;
        }
    }
}
