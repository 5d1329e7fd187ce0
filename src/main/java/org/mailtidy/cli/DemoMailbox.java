package org.mailtidy.cli;

import com.icegreen.greenmail.imap.ImapHostManager;
import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.user.GreenMailUser;
import jakarta.mail.Flags;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Properties;
import java.util.Random;

/**
 * The demo's sample mailbox: a few hundred messages of the kinds the demo rules act on, dated over
 * two years, generated from a fixed seed so every demo shows the same thing.
 */
final class DemoMailbox {
    static final int MESSAGES = 300;

    private final Random random = new Random(20261126L);
    private final Session session = Session.getInstance(new Properties());
    private final Instant now;

    DemoMailbox(Instant now) {
        this.now = now;
    }

    void populate(ImapHostManager host, GreenMailUser user) throws Exception {
        host.createMailbox(user, "Trash");
        MailFolder inbox = host.getInbox(user);
        for (int i = 0; i < MESSAGES; i++) {
            Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
            Instant received = now.minus(Duration.ofMinutes(random.nextInt(2 * 365 * 24 * 60)));
            MimeMessage m = message(i, kind, received);
            inbox.appendMessage(m, flags(kind), Date.from(received));
        }
    }

    enum Kind { DIGEST, INVOICE, RECEIPT, DEV_LIST, SPAM, PERSONAL, BIG }

    private MimeMessage message(int i, Kind kind, Instant received) throws MessagingException {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(from(kind));
        m.setRecipients(jakarta.mail.Message.RecipientType.TO, "demo@localhost");
        m.setSubject(subject(kind, i), "UTF-8");
        m.setSentDate(Date.from(received.minusSeconds(30)));
        switch (kind) {
            case DEV_LIST -> m.setHeader("List-Id", "Developers <dev.lists.example.org>");
            case SPAM -> m.setHeader("X-Spam-Flag", "YES");
            default -> {
            }
        }
        m.setText(body(kind), "UTF-8");
        m.saveChanges();
        m.setHeader("Message-ID", "<demo-" + i + "@mailtidy.example>");
        return m;
    }

    private static String from(Kind kind) {
        return switch (kind) {
            case DIGEST -> "Weekly News <newsletter@news.example.com>";
            case INVOICE, RECEIPT -> "Billing <billing@shop.example.com>";
            case DEV_LIST -> "A Developer <someone@dev.example.org>";
            case SPAM -> "Prize Office <winner@spam.example.net>";
            case PERSONAL, BIG -> "Jürgen Müller <juergen@example.de>";
        };
    }

    private String subject(Kind kind, int i) {
        return switch (kind) {
            case DIGEST -> "Weekly digest #" + i;
            case INVOICE -> (random.nextBoolean() ? "Your invoice " : "Invoice ") + "INV-" + (1000 + i);
            case RECEIPT -> "Receipt for order " + (5000 + i);
            case DEV_LIST -> "[dev] Re: release " + (i % 7) + ".0 planning";
            case SPAM -> "You have won!!! (" + i + ")";
            case PERSONAL -> "Grüße aus München, Teil " + i;
            case BIG -> "Holiday photos " + i;
        };
    }

    private String body(Kind kind) {
        if (kind == Kind.BIG) {
            // Above the demo's 200KB rule.
            return "photo data ".repeat(25_000);
        }
        return "Sample message body.\r\n";
    }

    private Flags flags(Kind kind) {
        Flags f = new Flags();
        if (random.nextInt(100) < 55) {
            f.add(Flags.Flag.SEEN);
        }
        if (random.nextInt(100) < 12) {
            f.add(Flags.Flag.FLAGGED);
        }
        if (kind == Kind.INVOICE && random.nextInt(100) < 30) {
            f.add("Paid");
        }
        return f;
    }
}
