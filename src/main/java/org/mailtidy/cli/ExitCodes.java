package org.mailtidy.cli;

import org.mailtidy.cluster.ClusterException;
import org.mailtidy.config.ConfigException;
import picocli.CommandLine;

/** Exit statuses of the contract: 0 ok, 1 some run failed, 2 bad configuration or usage. */
final class ExitCodes {
    static final int OK = 0;
    static final int RUN_FAILED = 1;
    static final int BAD_CONFIG = 2;

    private ExitCodes() {
    }

    static int forException(Throwable t) {
        if (t instanceof ConfigException || t instanceof CommandLine.ParameterException) {
            return BAD_CONFIG;
        }
        return RUN_FAILED;
    }

    /** Configuration errors are printed as the list they are; anything else with its message. */
    static int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        if (e instanceof ConfigException ce) {
            cl.getErr().println(ce.getMessage());
            cl.getErr().println(ce.errors().size() == 1 ? "1 error; nothing was run."
                    : ce.errors().size() + " errors; nothing was run.");
            return BAD_CONFIG;
        }
        if (e instanceof ClusterException c) {
            cl.getErr().println("mailtidy: " + c.getMessage());
            return RUN_FAILED;
        }
        if (e instanceof UsageError u) {
            cl.getErr().println(u.getMessage());
            return BAD_CONFIG;
        }
        cl.getErr().println("mailtidy: " + e);
        e.printStackTrace(cl.getErr());
        return RUN_FAILED;
    }

    /** A wrong argument found after parsing (an unknown rule name, say). */
    static final class UsageError extends Exception {
        UsageError(String message) {
            super(message);
        }
    }
}
