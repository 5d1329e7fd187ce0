package org.mailtidy.config;

/** A value that does not fit what its key expects; the message is complete and shown to the user. */
final class BadValue extends Exception {

    BadValue(String message) {
        super(message, null, false, false);
    }

    /** {@code expected <what>, got "<text>"}. */
    static BadValue expected(String what, String got) {
        return new BadValue("expected " + what + ", got " + Text.quote(got));
    }
}
