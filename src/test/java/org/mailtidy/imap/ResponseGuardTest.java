package org.mailtidy.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.eclipse.angus.mail.iap.ResponseInputStream;
import org.junit.jupiter.api.Test;

/**
 * Each limit of {@link ServerLimits} at the reader: the guarded stream under Angus's own {@link
 * ResponseInputStream}, fed bytes as a server would send them. A limit holds when the error comes
 * from the read that would have handed Angus the end of the offending line, so Angus never sizes a
 * buffer from it, and the source was not read further.
 */
class ResponseGuardTest {
    private static final ServerLimits SMALL = new ServerLimits(1024, 4096, 50, 1000, 10, Duration.ofMinutes(5),
            Duration.ofMinutes(5));

    private ResponseGuard guard;
    private Counting source;
    private ResponseInputStream angus;
    private OutputStream client;

    private void serverSends(ServerLimits limits, InputStream bytes) throws IOException {
        guard = new ResponseGuard(limits, "imap.test:143");
        Object layer = guard.newLayer(null);
        source = new Counting(bytes);
        angus = new ResponseInputStream(guard.input(source, null, layer));
        client = guard.output(new ByteArrayOutputStream(), layer);
        guard.loggedIn();
    }

    private void serverSends(ServerLimits limits, String text) throws IOException {
        serverSends(limits, new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)));
    }

    private void command(String line) throws IOException {
        client.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    private String readResponse() throws IOException {
        String line = new String(angus.readResponse().getNewBytes(), StandardCharsets.ISO_8859_1);
        return line.endsWith("\r\n") ? line.substring(0, line.length() - 2) : line;
    }

    @Test
    void aLiteralOverTheLimitIsRefusedBeforeAngusSizesABufferForIt() throws IOException {
        serverSends(ServerLimits.DEFAULTS, new SequenceInputStream(
                ascii("* 1 FETCH (UID 1 BODY[] {2000000000}\r\n"), new Endless((byte) 'x')));

        assertThatThrownBy(this::readResponse).isInstanceOf(LimitExceeded.class)
                .hasMessage("imap.test:143 sent a 2,000,000,000-octet literal (limit 50 MB)");
        assertThat(source.count).as("nothing read past the literal's announcement")
                .isEqualTo("* 1 FETCH (UID 1 BODY[] {2000000000}\r\n".length());
        assertThat(guard.violation()).isNotNull();
        assertThatThrownBy(this::readResponse).as("and no more after it").isInstanceOf(LimitExceeded.class);
    }

    @Test
    void aLiteralAtTheLimitIsReadAndItsContentIsNotTakenForResponses() throws IOException {
        String start = "\r\n* 99999999999 EXISTS\r\n\0";
        String body = start + "y".repeat(1024 - start.length());
        assertThat(body).hasSize(1024);
        serverSends(SMALL, "* 1 FETCH (BODY[] {1024}\r\n" + body + ")\r\nA1 OK done\r\n");
        command("A1 UID FETCH 1 BODY.PEEK[]");

        assertThat(readResponse()).startsWith("* 1 FETCH (BODY[] {1024}\r\n\r\n* 99999999999 EXISTS").endsWith("y)");
        assertThat(readResponse()).isEqualTo("A1 OK done");

        serverSends(SMALL, "* 1 FETCH (BODY[] {1025}\r\n");
        assertThatThrownBy(this::readResponse).hasMessageContaining("sent a 1,025-octet literal (limit 1 KB)");
    }

    @Test
    void aLineThatNeverEndsIsCutAtTheLimit() throws IOException {
        serverSends(SMALL, new SequenceInputStream(ascii("* 1 FETCH (FLAGS ("), new Endless((byte) 'a')));

        assertThatThrownBy(this::readResponse).isInstanceOf(LimitExceeded.class)
                .hasMessage("imap.test:143 sent a response line longer than 4 KB (the limit for a mailbox of 0"
                        + " messages)");
        assertThat(source.count).isLessThanOrEqualTo(4096 + 8192);
    }

    @Test
    void theLineLimitGrowsWithTheMailboxSoASearchNamingEveryMessageFits() throws IOException {
        StringBuilder search = new StringBuilder("* SEARCH");
        for (long uid = 4_294_966_000L; uid < 4_294_966_000L + 900; uid++) {
            search.append(' ').append(uid);
        }
        assertThat(search.length()).isGreaterThan(4096);
        Feed feed = new Feed();
        serverSends(SMALL, feed);
        feed.add("* 900 EXISTS\r\n");
        assertThat(readResponse()).isEqualTo("* 900 EXISTS");
        command("A2 UID SEARCH ALL");
        feed.add(search + "\r\nA2 OK done\r\n");
        assertThat(readResponse()).startsWith("* SEARCH 4294966000 ");
        assertThat(readResponse()).isEqualTo("A2 OK done");
    }

    @Test
    void tooManyResponsesToOneCommandAreRefused() throws IOException {
        Feed feed = new Feed();
        serverSends(SMALL, feed);
        command("A3 NOOP");
        feed.add("* OK noise\r\n".repeat(50));
        for (int i = 0; i < 50; i++) {
            assertThat(readResponse()).isEqualTo("* OK noise");
        }
        feed.add("* OK noise\r\n");
        assertThatThrownBy(this::readResponse)
                .hasMessage("imap.test:143 sent more than 50 responses to NOOP");
    }

    @Test
    void theResponseCountStartsAgainWithEachCommandAndIdleHasNone() throws IOException {
        Feed feed = new Feed();
        serverSends(SMALL, feed);
        for (int c = 0; c < 4; c++) {
            command("A" + c + " NOOP");
            feed.add("* OK noise\r\n".repeat(40) + "A" + c + " OK done\r\n");
            for (int i = 0; i < 40; i++) {
                assertThat(readResponse()).isEqualTo("* OK noise");
            }
            assertThat(readResponse()).isEqualTo("A" + c + " OK done");
        }
        command("A9 IDLE");
        feed.add("* 1 EXISTS\r\n".repeat(80));
        for (int i = 0; i < 80; i++) {
            assertThat(readResponse()).isEqualTo("* 1 EXISTS");
        }
        client.write("DONE\r\n".getBytes(StandardCharsets.US_ASCII));
        feed.add("* OK noise\r\n".repeat(60));
        assertThatThrownBy(() -> {
            for (int i = 0; i < 60; i++) {
                readResponse();
            }
        }).hasMessageContaining("responses to IDLE");  // what follows DONE ends the IDLE command
    }

    /**
     * The limits are those of the command being answered: a table FETCH written with searches after it,
     * one of them with a literal whose data line starts no command, is counted as a UID FETCH.
     */
    @Test
    void inAPipelinedFlightTheAnswersCountAgainstTheCommandTheyAnswer() throws IOException {
        Feed feed = new Feed();
        serverSends(SMALL, feed);
        feed.add("* 30 EXISTS\r\n");
        assertThat(readResponse()).isEqualTo("* 30 EXISTS");
        command("A1 UID FETCH 1:* (UID FLAGS)");
        command("A2 UID SEARCH CHARSET UTF-8 SUBJECT {6+}");
        command("gr\u00fc\u00dfe");
        feed.add("* 1 FETCH (UID 1 FLAGS ())\r\n".repeat(80) + "A1 OK done\r\n");
        for (int i = 0; i < 80; i++) {
            assertThat(readResponse()).startsWith("* 1 FETCH");
        }
        assertThat(readResponse()).isEqualTo("A1 OK done");
        feed.add("* OK noise\r\n".repeat(120));
        assertThatThrownBy(() -> {
            for (int i = 0; i < 120; i++) {
                readResponse();
            }
        }).hasMessageContaining("sent more than 110 responses to UID SEARCH (the limit for a mailbox of 30");
    }

    @Test
    void anAnswerAngusKeepsWholeIsLimitedAsAWholeAndAStreamedOneIsNot() throws IOException {
        ServerLimits roomy = new ServerLimits(ServerLimits.MB, ServerLimits.MB, 1000, 1000, 10, Duration.ofMinutes(5),
                Duration.ofMinutes(5));
        String literal = "* OK {1048576}\r\n" + "z".repeat(1 << 20) + "\r\n";
        int count = (int) (ResponseGuard.ANSWER_LIMIT >> 20) + 1;
        Feed feed = new Feed();
        serverSends(roomy, feed);
        command("A1 UID FETCH 1:* (BODY.PEEK[])");
        for (int i = 0; i < count; i++) {
            feed.add(literal);
            readResponse();
        }
        feed.add("A1 OK done\r\n");
        readResponse();
        command("A2 SELECT INBOX");
        assertThatThrownBy(() -> {
            for (int i = 0; i < count; i++) {
                feed.add(literal);
                readResponse();
            }
        }).hasMessage("imap.test:143 sent more than 32 MB in answer to SELECT");
    }

    @Test
    void aMessageCountPastTheLimitIsRefused() throws IOException {
        Feed feed = new Feed();
        serverSends(SMALL, feed);
        feed.add("* 1000 EXISTS\r\n");
        assertThat(readResponse()).isEqualTo("* 1000 EXISTS");
        feed.add("* 1001 EXISTS\r\n");
        assertThatThrownBy(this::readResponse)
                .hasMessage("imap.test:143 sent * 1,001 EXISTS (limit 1,000 messages per mailbox)");

        serverSends(SMALL, "* 123456789012345678901234567890 FETCH (FLAGS ())\r\n");
        assertThatThrownBy(this::readResponse).hasMessageContaining("FETCH (limit 1,000 messages per mailbox)");
    }

    @Test
    void uidNextAndUidValidityPast32BitsAreRefused() throws IOException {
        Feed feed = new Feed();
        serverSends(SMALL, feed);
        feed.add("* OK [UIDNEXT 4294967295] fine\r\n");
        assertThat(readResponse()).startsWith("* OK [UIDNEXT 4294967295]");
        feed.add("* OK [UIDNEXT 99999999999] next\r\n");
        assertThatThrownBy(this::readResponse)
                .hasMessage("imap.test:143 sent UIDNEXT 99,999,999,999 (UIDs end at 4,294,967,295)");

        serverSends(SMALL, "* OK [UIDVALIDITY 4294967296] v\r\n");
        assertThatThrownBy(this::readResponse).hasMessageContaining("sent UIDVALIDITY 4,294,967,296");
    }

    @Test
    void aFewLinesThatAreNotImapAreLetThroughAStreamOfThemIsNot() throws IOException {
        serverSends(SMALL, "\u00d4\u0012junk\r\n*junk\r\n* OK fine\r\n");
        assertThat(readResponse()).isEqualTo("\u00d4\u0012junk");
        assertThat(readResponse()).isEqualTo("*junk");
        assertThat(readResponse()).isEqualTo("* OK fine");

        serverSends(SMALL, "\u00d4\u0012junk\r\n".repeat(ResponseScanner.MAX_JUNK_LINES + 1));
        assertThatThrownBy(() -> {
            for (int i = 0; i <= ResponseScanner.MAX_JUNK_LINES; i++) {
                readResponse();
            }
        }).hasMessage("imap.test:143 sent bytes that are not an IMAP response (0xD4 at the start of a response"
                + " line, 11 such lines)");

        serverSends(SMALL, "* OK a\0b\r\n");
        assertThatThrownBy(this::readResponse).hasMessage("imap.test:143 sent a NUL byte in a response line");

        serverSends(SMALL, "+\r\n+ go ahead\r\nA1 OK [READ-WRITE] x\r\n* 3 EXISTS\r\n");
        command("A1 SELECT INBOX");
        assertThat(readResponse()).isEqualTo("+");
        assertThat(readResponse()).isEqualTo("+ go ahead");
        assertThat(readResponse()).isEqualTo("A1 OK [READ-WRITE] x");
        assertThat(readResponse()).isEqualTo("* 3 EXISTS");
    }

    /** The guard over a logged-in connection's socket, with a read timeout far beyond any deadline. */
    private void guardOver(Socket socket, ServerLimits limits) throws IOException {
        socket.setSoTimeout(600_000);
        guard = new ResponseGuard(limits, "imap.test:143");
        Object layer = guard.newLayer(socket);
        angus = new ResponseInputStream(guard.input(socket.getInputStream(), socket, layer));
        client = guard.output(socket.getOutputStream(), layer);
        guard.loggedIn();
    }

    @Test
    void aCommandPastItsDeadlineFailsAtTheDeadlineNotAtTheReadTimeout() throws IOException {
        ServerLimits limits = SMALL.withTimeouts(Duration.ofMillis(300), Duration.ofMinutes(5));
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket socket = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
             Socket server = listener.accept()) {
            guardOver(socket, limits);
            server.getOutputStream().write("* OK hello\r\n".getBytes(StandardCharsets.US_ASCII));
            command("A1 SELECT INBOX");

            assertThat(readResponse()).isEqualTo("* OK hello");
            assertThatThrownBy(this::readResponse).isInstanceOf(LimitExceeded.class)
                    .hasMessage("imap.test:143 did not finish answering SELECT within 300ms (command_timeout)");
            assertThat(socket.isClosed()).as("disconnected").isTrue();
        }
    }

    /** With pipelining the command the server is stuck on is the oldest unanswered, not the last written. */
    @Test
    void aPipelinedFlightPastItsDeadlineNamesTheOldestUnansweredCommand() throws IOException {
        ServerLimits limits = SMALL.withTimeouts(Duration.ofMillis(300), Duration.ofMinutes(5));
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket socket = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
             Socket server = listener.accept()) {
            guardOver(socket, limits);
            command("A1 ENABLE QRESYNC");
            command("A2 SELECT INBOX");
            command("A3 UID FETCH 1:* (FLAGS)");
            command("A4 UID SEARCH SEEN");
            server.getOutputStream().write("* ENABLED QRESYNC\r\nA1 OK done\r\n".getBytes(StandardCharsets.US_ASCII));

            assertThat(readResponse()).isEqualTo("* ENABLED QRESYNC");
            assertThat(readResponse()).isEqualTo("A1 OK done");
            assertThatThrownBy(this::readResponse).isInstanceOf(LimitExceeded.class)
                    .hasMessage("imap.test:143 did not finish answering SELECT within 300ms (command_timeout)");
        }
    }

    @Test
    void loginArgumentsAreNeverKept() throws IOException {
        guard = new ResponseGuard(SMALL, "imap.test:143");
        Object layer = guard.newLayer(null);
        client = guard.output(new ByteArrayOutputStream(), layer);
        client.write("A1 LOGIN alice s3cret-Pw\r\n".getBytes(StandardCharsets.US_ASCII));
        guard.loggedIn();
        angus = new ResponseInputStream(guard.input(new ByteArrayInputStream(
                "* OK x\r\n".repeat(51).getBytes(StandardCharsets.US_ASCII)), null, layer));
        assertThatThrownBy(() -> {
            while (true) {
                readResponse();
            }
        }).hasMessageContaining("responses to LOGIN").hasMessageNotContaining("s3cret").hasMessageNotContaining("alice");
    }

    private static InputStream ascii(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.US_ASCII));
    }

    /** What the server has sent so far; reading past it is the end of the stream. */
    private static final class Feed extends InputStream {
        private final java.util.ArrayDeque<Byte> bytes = new java.util.ArrayDeque<>();

        Feed add(String text) {
            for (byte b : text.getBytes(StandardCharsets.ISO_8859_1)) {
                bytes.add(b);
            }
            return this;
        }

        @Override
        public int read() {
            return bytes.isEmpty() ? -1 : bytes.poll() & 0xff;
        }

        @Override
        public int read(byte[] buf, int off, int len) {
            if (bytes.isEmpty()) {
                return -1;
            }
            int n = 0;
            while (n < len && !bytes.isEmpty()) {
                buf[off + n++] = bytes.poll();
            }
            return n;
        }
    }

    /** The same byte forever, in reads of up to 8 KB. */
    private static final class Endless extends InputStream {
        private final byte b;

        Endless(byte b) {
            this.b = b;
        }

        @Override
        public int read() {
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) {
            int n = Math.min(len, 8192);
            java.util.Arrays.fill(buf, off, off + n, b);
            return n;
        }
    }

    /** Counts the bytes read from it. */
    private static final class Counting extends java.io.FilterInputStream {
        long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
