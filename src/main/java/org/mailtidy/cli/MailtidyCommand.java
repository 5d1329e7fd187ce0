package org.mailtidy.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "mailtidy", mixinStandardHelpOptions = true, versionProvider = MailtidyCommand.Version.class,
        description = "Rule-based IMAP mailbox automation: flags, moves and deletes mail by YAML rules.",
        subcommands = {RunCommand.class, OnceCommand.class, CheckCommand.class, OAuth2Command.class,
                ExplainCommand.class, UndoCommand.class, DemoCommand.class, CommandLine.HelpCommand.class})
final class MailtidyCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    // Read before parsing by Main (see Main.logLevelArgument); declared here for help and validation.
    @Option(names = "--log-level", scope = CommandLine.ScopeType.INHERIT, paramLabel = "LEVEL",
            description = "error, warn, info (default), debug or trace (trace shows the IMAP protocol, credentials redacted)")
    void setLogLevel(String level) {
        if (!LogSetup.LEVELS.contains(level.toLowerCase(java.util.Locale.ROOT))) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--log-level must be one of error, warn, info, debug, trace; got '" + level + "'");
        }
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing command: run, once, check, explain, undo, oauth2 or demo");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"mailtidy " + org.mailtidy.http.BuildInfo.version(),
                    "Java " + System.getProperty("java.version")};
        }
    }
}
