package org.mailtidy.testsupport;

import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waiting in tests for a condition, never for a time: returns as soon as the condition holds. */
public final class Await {
    /** How often a condition is looked at; it only bounds how late the test notices, never what it asserts. */
    private static final long POLL_MILLIS = 50;

    private Await() {
    }

    /** Returns once {@code condition} holds; fails naming {@code what} if it does not within {@code timeout}. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** The first value {@code value} gives; fails naming {@code what} if none comes within {@code timeout}. */
    public static <T> T awaitValue(String what, Duration timeout, Supplier<Optional<T>> value) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Optional<T> v;
        while ((v = value.get()).isEmpty()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            Thread.sleep(POLL_MILLIS);
        }
        return v.get();
    }

    /**
     * For something that must NOT happen: fails as soon as {@code condition} stops holding within
     * {@code window}. The window is a bound, not a proof; each caller says why its length is enough.
     */
    public static void holdsFor(String what, Duration window, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + window.toNanos();
        do {
            if (!condition.getAsBoolean()) {
                throw new AssertionError("no longer true: " + what);
            }
            Thread.sleep(POLL_MILLIS);
        } while (System.nanoTime() - end < 0);
        if (!condition.getAsBoolean()) {
            throw new AssertionError("no longer true: " + what);
        }
    }
}
