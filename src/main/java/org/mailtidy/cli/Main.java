package org.mailtidy.cli;

import java.util.Locale;
import picocli.CommandLine;

/** Entry point. The only place that calls {@code System.exit}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit status (0 ok, 1 a run failed, 2 bad config or usage). */
    public static int execute(String... args) {
        LogSetup.beforeLogging(logLevelArgument(args), System.getenv("JOURNAL_STREAM") != null);
        return commandLine().execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new MailtidyCommand());
        cl.setExitCodeExceptionMapper(ExitCodes::forException);
        cl.setExecutionExceptionHandler(ExitCodes::handleExecutionException);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }

    /**
     * The {@code --log-level} value, read before picocli runs: Logback reads its level when the
     * first logger is made, which may be before picocli sets an option.
     */
    static String logLevelArgument(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--log-level") && i + 1 < args.length) {
                return args[i + 1].toLowerCase(Locale.ROOT);
            }
            if (args[i].startsWith("--log-level=")) {
                return args[i].substring("--log-level=".length()).toLowerCase(Locale.ROOT);
            }
        }
        return "info";
    }
}
