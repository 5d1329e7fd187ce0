package org.mailtidy.engine;

import org.slf4j.Logger;

/**
 * What an account run does with an exception nobody expected: it fails that run only. Errors are
 * caught too where the JVM can go on ({@link OutOfMemoryError}, {@link StackOverflowError}, linkage
 * errors); an {@link InternalError} or the like is passed on. The log gets one line; the stack
 * trace only at DEBUG, since a server's junk that Angus chokes on is as likely a cause as a bug.
 */
final class Crashes {
    private Crashes() {
    }

    /** Rethrows {@code t} if the JVM cannot be trusted to go on after it. */
    static void rethrowIfFatal(Throwable t) {
        if (t instanceof VirtualMachineError && !(t instanceof OutOfMemoryError) && !(t instanceof StackOverflowError)) {
            throw (VirtualMachineError) t;
        }
    }

    /** One line for the run's error: {@code internal error: java.lang.IllegalStateException: ...}. */
    static String describe(Throwable t) {
        return "internal error: " + t;
    }

    static void log(Logger log, String what, Throwable t) {
        log.error("{}: {}", what, describe(t));
        log.debug("{}: stack trace", what, t);
    }
}
