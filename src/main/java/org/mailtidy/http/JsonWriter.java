package org.mailtidy.http;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/** Writes compact JSON (RFC 8259) in one pass; commas are placed by the writer. */
public final class JsonWriter {
    private final StringBuilder out = new StringBuilder();
    /** Per open container: true until its first element is written. */
    private final Deque<Boolean> first = new ArrayDeque<>();
    private boolean afterName;

    public JsonWriter beginObject() {
        element();
        out.append('{');
        first.push(true);
        return this;
    }

    public JsonWriter endObject() {
        first.pop();
        out.append('}');
        return this;
    }

    public JsonWriter beginArray() {
        element();
        out.append('[');
        first.push(true);
        return this;
    }

    public JsonWriter endArray() {
        first.pop();
        out.append(']');
        return this;
    }

    public JsonWriter name(String name) {
        element();
        quote(name);
        out.append(':');
        afterName = true;
        return this;
    }

    public JsonWriter value(String s) {
        element();
        if (s == null) {
            out.append("null");
        } else {
            quote(s);
        }
        return this;
    }

    public JsonWriter value(long n) {
        element();
        out.append(n);
        return this;
    }

    public JsonWriter value(boolean b) {
        element();
        out.append(b);
        return this;
    }

    /** An instant as an RFC 3339 string, or null. */
    public JsonWriter value(Instant t) {
        return value(t == null ? null : t.toString());
    }

    public JsonWriter field(String name, String s) {
        return name(name).value(s);
    }

    public JsonWriter field(String name, long n) {
        return name(name).value(n);
    }

    public JsonWriter field(String name, boolean b) {
        return name(name).value(b);
    }

    public JsonWriter field(String name, Instant t) {
        return name(name).value(t);
    }

    @Override
    public String toString() {
        return out.toString();
    }

    private void element() {
        if (afterName) {
            afterName = false;
            return;
        }
        if (!first.isEmpty()) {
            if (!first.peek()) {
                out.append(',');
            }
            first.pop();
            first.push(false);
        }
    }

    /** A JSON string (RFC 8259 section 7). */
    private void quote(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
