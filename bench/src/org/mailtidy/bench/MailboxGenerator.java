package org.mailtidy.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes a deterministic Maildir of N messages (same seed, same files): varied senders, subjects with
 * non-ASCII words (RFC 2047 encoded), sizes from a few hundred bytes to 100 KB, arrival dates over
 * three years (file mtime = INTERNALDATE) and initial flags in the file names. Dovecot indexes it
 * afterwards ({@code doveadm force-resync} and {@code doveadm index}).
 */
final class MailboxGenerator {
    /** 2022-06-01T00:00:00Z: the three years of mail end on 2025-06-01. */
    static final long START = 1_654_041_600L;
    static final long SPAN = 3L * 365 * 86_400;
    private static final DateTimeFormatter RFC5322 =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

    private static final String[] BRANDS = {"acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne",
        "tyrell", "cyberdyne", "wonka"};
    private static final String[] PEOPLE = {"Jürgen Müller", "Zoë Çelik", "Ángel García", "李雷", "Søren Kierkegaard",
        "Anna Schmidt", "John Smith", "Émilie Dubois", "Ærin Østergaard", "Maria Rossi", "Ivan Petrov",
        "Ayşe Yılmaz", "Chen Wei", "Olga Novák", "Peter Jones", "Łukasz Wiśniewski"};
    private static final String[] DOMAINS = {"example.org", "mail.example", "uni.example", "firma.example",
        "corp.example"};
    private static final String[] TOPICS = {"Überweisung März", "Grüße aus Köln", "Café am Freitag",
        "Projekt Zürich", "Meeting notes", "Quarterly report", "Lunch?", "Überweisung erhalten",
        "Reunión del equipo", "Budget 2024", "Holiday plans", "Code review", "Rückfrage zur Rechnung",
        "Weekend", "Déjà vu", "Server migration", "Angebot Nr. 42", "Tickets"};
    private static final String[] WORDS = ("the of and to in is for on that with as was at by be this from or an are "
            + "mailbox rule server message flag filter over under über für schön naïve café résumé straße "
            + "quarterly report meeting budget invoice order shipping delivery weather coffee").split(" ");
    private static final String[] HOSTS = {"db1", "db2", "web1", "web2", "cache", "queue", "backup"};

    private final SplittableRandom random;
    private final boolean small;

    MailboxGenerator(long seed, boolean small) {
        this.random = new SplittableRandom(seed);
        this.small = small;
    }

    /** Writes {@code count} messages into {@code maildir} (cur/, new/, tmp/, dovecot-keywords). */
    void write(Path maildir, int count) throws IOException {
        Files.createDirectories(maildir.resolve("cur"));
        Files.createDirectories(maildir.resolve("new"));
        Files.createDirectories(maildir.resolve("tmp"));
        Files.writeString(maildir.resolve("dovecot-keywords"), "0 $Important\n1 $Later\n");
        Path cur = maildir.resolve("cur");
        for (int i = 0; i < count; i++) {
            Message m = next(i);
            byte[] bytes = m.text.getBytes(StandardCharsets.UTF_8);
            long lines = m.text.chars().filter(c -> c == '\n').count();
            String name = (START + i) + ".M" + i + "P1.bench,S=" + bytes.length + ",W=" + (bytes.length + lines)
                    + ":2," + m.flags;
            Path file = cur.resolve(name);
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                out.write(bytes);
            }
            Files.setLastModifiedTime(file, FileTime.from(Instant.ofEpochSecond(m.arrival)));
        }
    }

    /**
     * Writes {@code count} new messages into {@code maildir}/new/, as a delivery agent drops them: no
     * flags, Message-IDs from {@code firstIndex} on (after the master's), arrivals spread over the day
     * after the master's three years. Dovecot gives them the next UIDs when it next syncs the mailbox.
     */
    void deliver(Path maildir, int count, int firstIndex) throws IOException {
        Path tmp = Files.createDirectories(maildir.resolve("tmp"));
        Path dir = Files.createDirectories(maildir.resolve("new"));
        for (int i = 0; i < count; i++) {
            Message m = next(firstIndex + i);
            long arrival = START + SPAN + (long) i * 86_400 / count;
            byte[] bytes = m.text.getBytes(StandardCharsets.UTF_8);
            long lines = m.text.chars().filter(c -> c == '\n').count();
            String name = arrival + ".M" + (firstIndex + i) + "P1.bench,S=" + bytes.length + ",W=" + (bytes.length + lines);
            // written in tmp/ and renamed, as Maildir delivery does, so a half-written file is never in new/
            Path file = tmp.resolve(name);
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                out.write(bytes);
            }
            Files.setLastModifiedTime(file, FileTime.from(Instant.ofEpochSecond(arrival)));
            Files.move(file, dir.resolve(name));
        }
    }

    private record Message(String text, String flags, long arrival) {
    }

    private Message next(int i) {
        long arrival = START + random.nextLong(SPAN);
        long sent = arrival - random.nextLong(3600);
        int kind = random.nextInt(100);
        String from;
        String subject;
        boolean person = false;
        if (kind < 20) {
            String brand = pick(BRANDS);
            from = "\"" + capitalise(brand) + " News\" <news@" + brand + ".news.example>";
            subject = capitalise(brand) + " weekly #" + random.nextInt(1, 500) + ": " + pick(TOPICS);
        } else if (kind < 30) {
            from = "Monitoring <alerts@monitoring.example>";
            subject = "[ALERT] " + pick(HOSTS) + " disk " + random.nextInt(80, 100) + "% full";
        } else if (kind < 36) {
            from = "Example Shop <billing@shop.example>";
            int variant = random.nextInt(10);
            subject = variant < 6 ? "Invoice #" + random.nextInt(10_000, 100_000) + " for order " + random.nextInt(1000)
                    : variant < 8 ? "Invoice #" + random.nextInt(100, 1000) + " (correction)"
                    : "Your order " + random.nextInt(1000) + " has shipped";
        } else if (kind < 38) {
            from = "\"Lucky Draw\" <winner@lottery.example>";
            subject = "WINNER: claim your prize " + random.nextInt(10_000);
        } else {
            person = true;
            String name = pick(PEOPLE);
            from = encodeWord(name) + " <" + ascii(name) + "@" + pick(DOMAINS) + ">";
            subject = (random.nextInt(3) == 0 ? "Re: " : "") + pick(TOPICS);
        }
        int size = size();
        StringBuilder sb = new StringBuilder(size + 600);
        sb.append("Return-Path: <bounce@bench.example>\n")
                .append("Message-ID: <bench.").append(i).append("@mailtidy.example>\n")
                .append("Date: ").append(RFC5322.format(Instant.ofEpochSecond(sent))).append('\n')
                .append("From: ").append(from).append('\n')
                .append("To: Bench User <user@bench.example>\n")
                .append("Subject: ").append(encodeWord(subject)).append('\n')
                .append("MIME-Version: 1.0\n")
                .append("Content-Type: text/plain; charset=UTF-8\n")
                .append("Content-Transfer-Encoding: 8bit\n\n");
        int target = sb.length() + size;
        while (sb.length() < target) {
            int words = random.nextInt(6, 14);
            for (int w = 0; w < words; w++) {
                sb.append(w == 0 ? "" : " ").append(pick(WORDS));
            }
            sb.append('\n');
        }
        return new Message(sb.toString(), flags(person, kind < 20), arrival);
    }

    /** Mostly small, a quarter medium, one in twenty large (over the 40 KB rule). */
    private int size() {
        if (small) {
            return random.nextInt(50, 200);
        }
        int r = random.nextInt(100);
        return r < 70 ? random.nextInt(400, 2500) : r < 95 ? random.nextInt(2500, 12_000)
                : random.nextInt(40_000, 100_000);
    }

    /** Maildir info letters in ASCII order: D F R S T, then keywords a ($Important) and b ($Later). */
    private String flags(boolean person, boolean newsletter) {
        StringBuilder f = new StringBuilder();
        if (random.nextInt(100) < 6) {
            f.append('F');
        }
        if (person && random.nextInt(100) < 12) {
            f.append('R');
        }
        if (random.nextInt(100) < (newsletter ? 40 : 65)) {
            f.append('S');
        }
        if (random.nextInt(100) < 2) {
            f.append('a');
        }
        if (random.nextInt(100) < 3) {
            f.append('b');
        }
        return f.toString();
    }

    private String pick(String[] values) {
        return values[random.nextInt(values.length)];
    }

    private static String capitalise(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** RFC 2047 B-encoding for non-ASCII text; ASCII stays as it is. */
    static String encodeWord(String s) {
        if (s.chars().allMatch(c -> c < 128)) {
            return s;
        }
        return "=?UTF-8?B?" + Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)) + "?=";
    }

    private static String ascii(String name) {
        String a = java.text.Normalizer.normalize(name, java.text.Normalizer.Form.NFD)
                .replaceAll("[^A-Za-z ]", "").trim().toLowerCase(Locale.ROOT).replace(' ', '.');
        return a.isEmpty() ? "li.lei" : a;
    }
}
