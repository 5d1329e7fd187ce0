package org.mailtidy.engine;

/** A mailbox run cannot go on; the message is shown to the user as the run's error. */
final class RunFailure extends Exception {
    RunFailure(String message) {
        super(message);
    }

    RunFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
