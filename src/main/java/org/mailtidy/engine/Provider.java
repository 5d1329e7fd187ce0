package org.mailtidy.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.mailtidy.imap.ImapConnection;
import org.mailtidy.imap.ImapSession;
import org.mailtidy.rules.Disposition;
import org.mailtidy.rules.RuleSpec;

/**
 * The providers on which a rule's action means something else than on a plain IMAP server
 * (docs/servers.md). A run recognises Gmail by its {@code X-GM-EXT-1} capability, which Google
 * documents as the sign of its extensions; {@code check}, which does not connect, goes by the
 * host name. Microsoft 365 has no such sign and no difference in meaning, only fewer extensions,
 * which every run checks anyway.
 */
public enum Provider {
    GMAIL("Gmail"),
    MICROSOFT_365("Microsoft 365");

    /** Gmail's capability for its extensions (labels, thread ids, raw search). */
    static final String GMAIL_CAPABILITY = "X-GM-EXT-1";
    private static final String ALL_MAIL = "[Gmail]/All Mail";
    /** Where {@code delete} really deletes on Gmail: a run finds it by its {@code \Trash} attribute. */
    private static final String TRASH = "[Gmail]/Trash";

    private final String displayName;

    Provider(String displayName) {
        this.displayName = displayName;
    }

    public String displayName() {
        return displayName;
    }

    /** The provider an account's host name points to, if it is one of these. */
    public static Optional<Provider> byHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("imap.gmail.com") || h.equals("imap.googlemail.com")) {
            return Optional.of(GMAIL);
        }
        if (h.equals("outlook.office365.com") || h.equals("outlook.office.com")) {
            return Optional.of(MICROSOFT_365);
        }
        return Optional.empty();
    }

    /** The connected server is Gmail (or speaks as Gmail does). */
    static boolean isGmail(ImapSession connection) {
        return connection.hasCapability(GMAIL_CAPABILITY);
    }

    /**
     * Where this rule, run on these mailboxes, means something else here than the contract says for a
     * plain IMAP server: one sentence each, for {@code check}.
     */
    public List<String> differences(RuleSpec rule, List<String> mailboxes) {
        List<String> out = new ArrayList<>();
        if (this != GMAIL) {
            return out;
        }
        boolean onlyInTrash = mailboxes.stream().allMatch(m -> m.equalsIgnoreCase(TRASH));
        if (rule.disposition().deletes() && !onlyInTrash) {
            out.add("on Gmail, delete moves to [Gmail]/Trash (the \\Trash mailbox), where Gmail deletes it after 30"
                    + " days: expunging would only remove this mailbox's label. To remove only the label, write"
                    + " move_to: \"[Gmail]/All Mail\" instead");
        }
        rule.copyTo().ifPresent(to -> out.add("on Gmail, copy_to " + to + " adds the label " + to + " to the same"
                + " message: no second message, and later rules' flag changes show in " + to + " too"));
        boolean fromAllMail = mailboxes.stream().anyMatch(ALL_MAIL::equalsIgnoreCase);
        rule.disposition().match(k -> null, d -> null, t -> null, m -> out.add(fromAllMail
                ? "on Gmail, move_to " + m.mailbox() + " from [Gmail]/All Mail only adds the label " + m.mailbox()
                        + ": every message stays in All Mail"
                : "on Gmail, move_to " + m.mailbox() + " replaces this mailbox's label with " + m.mailbox()
                        + " (from INBOX: archives and labels)"));
        return out;
    }
}
