package org.mailtidy.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class JsonWriterTest {
    @Test
    void placesCommasAndEscapes() {
        String json = new JsonWriter().beginObject()
                .field("s", "a\"b\\c\nd\u0001")
                .field("n", 42)
                .field("b", true)
                .field("t", Instant.parse("2026-01-02T03:04:05Z"))
                .name("none").value((String) null)
                .name("list").beginArray().value(1).beginObject().endObject().beginArray().endArray().endArray()
                .name("empty").beginObject().endObject()
                .endObject().toString();
        assertThat(json).isEqualTo("{\"s\":\"a\\\"b\\\\c\\nd\\u0001\",\"n\":42,\"b\":true,"
                + "\"t\":\"2026-01-02T03:04:05Z\",\"none\":null,\"list\":[1,{},[]],\"empty\":{}}");
    }
}
