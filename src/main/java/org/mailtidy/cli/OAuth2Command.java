package org.mailtidy.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "oauth2", description = "OAuth2 helpers.", subcommands = OAuth2Command.Login.class)
final class OAuth2Command implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: login");
    }

    @Command(name = "login", description = "Run the OAuth2 device-authorization flow (RFC 8628) for an account and"
            + " store its refresh token.")
    static final class Login implements Callable<Integer> {
        @Option(names = "--account", required = true, paramLabel = "ID")
        String account;

        @CommandLine.Mixin
        ConfigOption config;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            // Not built yet (issue "OAuth2 for Gmail and Microsoft 365"); say so rather than pretend.
            spec.commandLine().getErr().println("mailtidy oauth2 login is not available in this version: the device"
                    + " flow is not implemented yet. Until then, give the access token through password_command.");
            return ExitCodes.RUN_FAILED;
        }
    }
}
