package org.mailtidy.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonReaderTest {

    @Test
    void readsATokenAnswerWithNestedValuesAndEscapes() {
        Map<String, Object> m = JsonReader.parseObject(" {\"access_token\":\"ya29.a\\/b\\u0041\",\"expires_in\":3599,"
                + "\"ratio\":1.5e0,\"ok\":true,\"none\":null,\"scopes\":[\"a\",{\"x\":[]}],\"e\":{}}\n");
        assertThat(m).containsEntry("access_token", "ya29.a/bA").containsEntry("expires_in", 3599L)
                .containsEntry("ratio", 1.5).containsEntry("ok", true).containsEntry("none", null)
                .containsEntry("e", Map.of());
        assertThat(m.get("scopes")).isEqualTo(List.of("a", Map.of("x", List.of())));
    }

    @Test
    void rejectsWhatIsNotOneObjectAndNeverQuotesTheInput() {
        assertThatThrownBy(() -> JsonReader.parseObject("<html>secret-token</html>"))
                .hasMessage("not a JSON object");
        assertThatThrownBy(() -> JsonReader.parseObject("{\"a\":\"secret-token\"} x"))
                .hasMessage("invalid JSON at column 22: unexpected text after the object");
        assertThatThrownBy(() -> JsonReader.parseObject("{\"a\":\"secret-token"))
                .hasMessage("invalid JSON at column 19: unexpected end");
    }
}
