package org.mailtidy.cli;

import com.icegreen.greenmail.imap.ImapHostManager;
import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.user.GreenMailUser;
import jakarta.mail.Flags;
import jakarta.mail.MessagingException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The demo server's mailboxes, read in-process from GreenMail, for the before/after view. */
final class MailboxState {
    /** Message-ID to where the message is and its flags (several places for copies). */
    private final Map<String, List<String>> places = new TreeMap<>();
    private final Map<String, Summary> mailboxes = new LinkedHashMap<>();

    record Summary(int messages, int seen, int flagged, int deleted, Map<String, Integer> keywords) {
    }

    static MailboxState read(ImapHostManager host, GreenMailUser user) throws Exception {
        MailboxState s = new MailboxState();
        List<MailFolder> folders = new ArrayList<>(host.listMailboxes(user, "*"));
        folders.sort(java.util.Comparator.comparing(MailFolder::getFullName));
        for (MailFolder f : folders) {
            s.add(displayName(f.getFullName(), user), f.getMessages());
        }
        return s;
    }

    private static String displayName(String fullName, GreenMailUser user) {
        String prefix = "#mail.";
        String name = fullName.startsWith(prefix) ? fullName.substring(prefix.length()) : fullName;
        String userPrefix = user.getQualifiedMailboxName() + ".";
        if (name.startsWith(userPrefix)) {
            name = name.substring(userPrefix.length());
        }
        return name.replace('.', '/');
    }

    private void add(String mailbox, List<StoredMessage> messages) throws MessagingException {
        int seen = 0;
        int flagged = 0;
        int deleted = 0;
        Map<String, Integer> keywords = new TreeMap<>();
        for (StoredMessage m : messages) {
            Flags f = m.getFlags();
            seen += f.contains(Flags.Flag.SEEN) ? 1 : 0;
            flagged += f.contains(Flags.Flag.FLAGGED) ? 1 : 0;
            deleted += f.contains(Flags.Flag.DELETED) ? 1 : 0;
            for (String k : f.getUserFlags()) {
                keywords.merge(k, 1, Integer::sum);
            }
            String id = m.getMimeMessage().getMessageID();
            if (id != null) {
                places.computeIfAbsent(id, k -> new ArrayList<>()).add(mailbox + " " + flagText(f));
            }
        }
        mailboxes.put(mailbox, new Summary(messages.size(), seen, flagged, deleted, keywords));
    }

    void print(PrintWriter out) {
        out.printf("  %-12s %8s %6s %8s %8s  %s%n", "mailbox", "messages", "\\Seen", "\\Flagged", "\\Deleted",
                "keywords");
        mailboxes.forEach((name, s) -> out.printf("  %-12s %8d %6d %8d %8d  %s%n", name, s.messages(), s.seen(),
                s.flagged(), s.deleted(), s.keywords().isEmpty() ? "-" : s.keywords().toString()));
    }

    /** The first few messages of the sample, where they were and where they are now. */
    void printChanges(PrintWriter out, MailboxState after) {
        int shown = 0;
        for (int i = 0; i < DemoMailbox.MESSAGES && shown < 12; i++) {
            String id = "<demo-" + i + "@mailtidy.example>";
            List<String> was = places.getOrDefault(id, List.of("(absent)"));
            List<String> now = after.places.getOrDefault(id, List.of("(expunged)"));
            if (!was.equals(now)) {
                out.printf("  %-26s %-40s -> %s%n", id, String.join("; ", was), String.join("; ", now));
                shown++;
            }
        }
    }

    private static String flagText(Flags f) {
        List<String> names = new ArrayList<>();
        for (Flags.Flag sf : f.getSystemFlags()) {
            if (sf == Flags.Flag.SEEN) {
                names.add("\\Seen");
            } else if (sf == Flags.Flag.FLAGGED) {
                names.add("\\Flagged");
            } else if (sf == Flags.Flag.DELETED) {
                names.add("\\Deleted");
            } else if (sf == Flags.Flag.ANSWERED) {
                names.add("\\Answered");
            } else if (sf == Flags.Flag.DRAFT) {
                names.add("\\Draft");
            }
        }
        names.addAll(List.of(f.getUserFlags()));
        return "(" + String.join(" ", names) + ")";
    }
}
