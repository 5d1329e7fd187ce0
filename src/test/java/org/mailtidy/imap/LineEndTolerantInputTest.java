package org.mailtidy.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.eclipse.angus.mail.iap.ByteArray;
import org.eclipse.angus.mail.iap.ResponseInputStream;
import org.junit.jupiter.api.Test;

/** Response lines ending in a bare LF are read as ending in CRLF; literals pass byte for byte. */
class LineEndTolerantInputTest {

    private static ResponseInputStream reader(String wire) {
        ResponseInputStream original = new ResponseInputStream(
                new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1)));
        ResponseInputStream tolerant = LineEndTolerantInput.over(original, "test");
        assertThat(tolerant).isInstanceOf(LineEndTolerantInput.class);
        return tolerant;
    }

    private static String next(ResponseInputStream in) throws IOException {
        ByteArray ba = in.readResponse(null);
        return new String(ba.getBytes(), 0, ba.getCount(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void aBareLfEndsTheLineAndIsHandedOnAsCrlf() throws IOException {
        ResponseInputStream in = reader("A1 OK AUTHENTICATE PLAIN authentication successful\n* OK next\r\n");
        assertThat(next(in)).isEqualTo("A1 OK AUTHENTICATE PLAIN authentication successful\r\n");
        assertThat(next(in)).isEqualTo("* OK next\r\n");
    }

    @Test
    void crlfLinesAreUnchanged() throws IOException {
        ResponseInputStream in = reader("* 3 EXISTS\r\nA2 OK done\r\n");
        assertThat(next(in)).isEqualTo("* 3 EXISTS\r\n");
        assertThat(next(in)).isEqualTo("A2 OK done\r\n");
    }

    @Test
    void literalsAreReadByCountWithTheirBareLfsAndCrsUntouched() throws IOException {
        String literal = "Subject: a\nb\r\n\r";
        ResponseInputStream in = reader("* 1 FETCH (UID 7 BODY[HEADER] {" + literal.length() + "}\r\n" + literal
                + " FLAGS (\\Seen))\r\nA3 OK\n");
        assertThat(next(in)).isEqualTo("* 1 FETCH (UID 7 BODY[HEADER] {" + literal.length() + "}\r\n" + literal
                + " FLAGS (\\Seen))\r\n");
        assertThat(next(in)).isEqualTo("A3 OK\r\n");
    }

    @Test
    void aLiteralAnnouncedWithABareLfIsStillALiteral() throws IOException {
        ResponseInputStream in = reader("* LIST () \"/\" {3}\na\nb\r\n");
        assertThat(next(in)).isEqualTo("* LIST () \"/\" {3}\r\na\nb\r\n");
    }

    @Test
    void aLongLineGrowsTheBuffer() throws IOException {
        String atom = "x".repeat(100_000);
        assertThat(next(reader("* " + atom + "\n"))).isEqualTo("* " + atom + "\r\n");
    }

    @Test
    void aClosedConnectionIsAnIoError() {
        assertThatThrownBy(() -> next(reader("* OK half a line"))).isInstanceOf(IOException.class);
    }
}
