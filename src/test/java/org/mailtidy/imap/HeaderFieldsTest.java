package org.mailtidy.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeaderFieldsTest {

    private static Map<String, List<String>> parse(byte[] block, String... fields) {
        return HeaderFields.parse(block, 0, block.length, List.of(fields));
    }

    private static Map<String, List<String>> parse(String block, String... fields) {
        return parse(block.getBytes(StandardCharsets.UTF_8), fields);
    }

    @Test
    void decodesEncodedWordsAsTheContractShows() {
        var h = parse("From: =?UTF-8?Q?J=C3=BCrgen?= <j@x.example>\r\n\r\n", "From");
        assertThat(h.get("From")).containsExactly("Jürgen <j@x.example>");
    }

    @Test
    void unfoldsCrlfAndWhitespaceToOneSpace() {
        var h = parse("Subject: a long\r\n  subject\r\n\tcontinued\r\n\r\n", "Subject");
        assertThat(h.get("subject")).containsExactly("a long subject continued");
    }

    @Test
    void keepsRepeatedFieldsInOrderAndMapsAbsentOnesToEmptyLists() {
        var h = parse("Received: one\r\nreceived: two\r\n\r\n", "Received", "X-Missing");
        assertThat(h.get("RECEIVED")).containsExactly("one", "two");
        assertThat(h.get("X-Missing")).isEmpty();
    }

    @Test
    void readsRawUtf8AndFallsBackToLatin1() {
        assertThat(parse("Subject: Grüße\r\n", "Subject").get("Subject")).containsExactly("Grüße");
        byte[] latin1 = "Subject: Gr\u00fc\u00dfe\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(parse(latin1, "Subject").get("Subject")).containsExactly("Grüße");
    }

    @Test
    void leavesBrokenEncodedWordsAsWritten() {
        var h = parse("Subject: =?x-unknown?Q?abc?= and =?UTF-8?B?###?=\r\n", "Subject");
        assertThat(h.get("Subject")).containsExactly("=?x-unknown?Q?abc?= and =?UTF-8?B?###?=");
    }

    @Test
    void decodesAdjacentEncodedWordsWithoutTheSpaceBetween() {
        var h = parse("Subject: =?UTF-8?Q?a=C3=A4?= =?UTF-8?Q?b?=\r\n", "Subject");
        assertThat(h.get("Subject")).containsExactly("aäb");
    }
}
