package org.mailtidy.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit file read back: what the writer writes round-trips, and a line it does not understand is refused. */
class AuditReaderTest {
    private static final Instant T = Instant.parse("2026-12-07T16:35:12Z");
    private static final AuditLog.Line MOVE = new AuditLog.Line(T, "20261207T163512Z-3fa9", "personal", "INBOX", 17,
            42, "<a\"b@x>", "file-lists", "move_to Lists/dev", List.of("\\Seen"), List.of("\\Seen", "$Later"),
            "Lists/dev", 9, 301, null, null, 77);
    private static final AuditLog.Line DELETE = new AuditLog.Line(T, "r1", "personal", "INBOX", 17, 43, null, "purge",
            "delete", List.of(), List.of(), null, 0, 0, "/backup/personal/INBOX/cur/1.V17U43.mailtidy:2,S",
            Instant.parse("2025-01-02T03:04:05Z"), 0);

    @TempDir
    Path temp;

    @Test
    void whatTheWriterWritesIsReadBackAsItWas() throws Exception {
        Path file = temp.resolve("audit.jsonl");
        new AuditLog(file).append(List.of(MOVE, DELETE));
        Files.writeString(file, "\n", java.nio.file.StandardOpenOption.APPEND);

        assertThat(AuditReader.read(file)).containsExactly(MOVE, DELETE);
    }

    @Test
    void aLineItDoesNotUnderstandIsRefusedWithItsLineNumber() throws Exception {
        Path file = temp.resolve("audit.jsonl");
        new AuditLog(file).append(List.of(MOVE, DELETE));
        String good = Files.readAllLines(file).get(0);
        Files.writeString(file, good.replace("\"modseq\":77", "\"modseq\":77,\"colour\":\"red\"") + "\n",
                java.nio.file.StandardOpenOption.APPEND);

        assertThatThrownBy(() -> AuditReader.read(file)).isInstanceOf(AuditReader.Refused.class)
                .hasMessage(file + ":3: unknown field \"colour\"");
    }

    @Test
    void everyKindOfLineItCannotTrustIsRefusedSayingWhy() throws Exception {
        Path file = temp.resolve("audit.jsonl");
        new AuditLog(file).append(List.of(MOVE));
        String good = Files.readAllLines(file).get(0);

        assertThat(refusal(good.replace("\"v\":1,", ""))).contains("no \"v\" field");
        assertThat(refusal(good.replace("\"v\":1", "\"v\":2"))).contains("audit format version 2 is not understood");
        assertThat(refusal(good.replace(",\"backup\":null", ""))).isEqualTo("missing field \"backup\"");
        assertThat(refusal(good.replace("move_to Lists/dev", "archive Lists/dev")))
                .isEqualTo("unknown action \"archive Lists/dev\"");
        assertThat(refusal(good.replace("\"destination\":\"Lists/dev\"", "\"destination\":\"Elsewhere\"")))
                .contains("does not agree with the action");
        assertThat(refusal(good.replace("\"uid\":42", "\"uid\":\"42\""))).isEqualTo("\"uid\" must be a positive integer");
        assertThat(refusal(good.replace("[\"\\\\Seen\"]", "[\"\\\\Seen\",\"two words\"]")))
                .contains("not an IMAP flag");
        assertThat(refusal(good.replace("\"rule\"", "\"uid\":1,\"rule\""))).contains("\"uid\" appears twice");
        assertThat(refusal(good.substring(0, good.length() - 1))).startsWith("invalid JSON at column");
        assertThat(refusal(good.replace("2026-12-07T16:35:12Z", "yesterday"))).contains("\"time\" is not a UTC time");
    }

    private String refusal(String line) throws Exception {
        Path file = Files.writeString(temp.resolve("one.jsonl"), line + "\n");
        try {
            AuditReader.read(file);
        } catch (AuditReader.Refused e) {
            assertThat(e.getMessage()).startsWith(file + ":1: ");
            return e.getMessage().substring((file + ":1: ").length());
        }
        throw new AssertionError("accepted: " + line);
    }
}
