package org.mailtidy.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.mailtidy.config.Account;
import org.mailtidy.config.Config;
import org.mailtidy.config.ConfigLoader;
import org.mailtidy.config.OAuth2Provider;
import org.mailtidy.config.SecretException;
import org.mailtidy.config.Secrets;
import org.mailtidy.oauth2.DeviceFlow;
import org.mailtidy.oauth2.OAuth2Exception;
import org.mailtidy.oauth2.RefreshTokenFile;
import org.mailtidy.oauth2.TokenEndpoint;
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
            + " store its refresh token in the account's refresh_token_file.")
    static final class Login implements Callable<Integer> {
        @Option(names = "--account", required = true, paramLabel = "ID")
        String account;

        @Option(names = "--device-url", paramLabel = "URL", description = "the device authorization endpoint, for an"
                + " account with token_url instead of provider")
        URI deviceUrl;

        @CommandLine.Mixin
        ConfigOption config;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Config c = ConfigLoader.load(config.resolve());
            Account a = c.accounts().get(account);
            if (a == null) {
                throw new ExitCodes.UsageError("--account " + account + ": no such account in " + c.file());
            }
            Account.OAuth2 oauth2 = a.oauth2().orElseThrow(() -> new ExitCodes.UsageError("account " + account
                    + " has no oauth2 block; add one with provider: google or microsoft (see the README)"));
            Path file = oauth2.refreshTokenFile().orElseThrow(() -> new ExitCodes.UsageError("account " + account
                    + " has no refresh_token_file to store the token in; replace refresh_token with"
                    + " refresh_token_file: PATH in its oauth2 block"));
            DeviceFlow.Client client = new DeviceFlow.Client(deviceUrl(oauth2), URI.create(oauth2.tokenUrl().orElseThrow()),
                    oauth2.clientId(), clientSecret(oauth2), oauth2.scope());
            PrintWriter out = spec.commandLine().getOut();
            try {
                String refreshToken = new DeviceFlow(TokenEndpoint.standard(), Clock.systemUTC())
                        .run(client, prompt -> show(out, a, prompt));
                RefreshTokenFile.write(file, refreshToken);
            } catch (OAuth2Exception e) {
                spec.commandLine().getErr().println("mailtidy oauth2 login: " + e.getMessage());
                return ExitCodes.RUN_FAILED;
            }
            out.println("Saved the refresh token of account " + account + " to " + file
                    + " (mode 0600); mailtidy refreshes access tokens from it from now on.");
            out.flush();
            return ExitCodes.OK;
        }

        private URI deviceUrl(Account.OAuth2 oauth2) throws ExitCodes.UsageError {
            if (deviceUrl != null) {
                return deviceUrl;
            }
            Optional<String> preset = oauth2.provider().flatMap(OAuth2Provider::byId)
                    .map(OAuth2Provider::deviceAuthorizationUrl);
            return preset.or(() -> oauth2.tokenUrl().flatMap(Login::microsoftTenantDeviceUrl)).map(URI::create)
                    .orElseThrow(() -> new ExitCodes.UsageError("account " + account + " uses token_url, so mailtidy"
                            + " does not know its device authorization endpoint; give it with --device-url URL"));
        }

        /** A tenant-specific Microsoft token URL ({@code .../TENANT/oauth2/v2.0/token}) has its device endpoint beside it. */
        static Optional<String> microsoftTenantDeviceUrl(String tokenUrl) {
            String suffix = "/oauth2/v2.0/token";
            if (tokenUrl.startsWith("https://login.microsoftonline.com/") && tokenUrl.endsWith(suffix)) {
                return Optional.of(tokenUrl.substring(0, tokenUrl.length() - "token".length()) + "devicecode");
            }
            return Optional.empty();
        }

        private Optional<String> clientSecret(Account.OAuth2 oauth2) throws ExitCodes.UsageError {
            if (oauth2.clientSecret().isEmpty()) {
                return Optional.empty();
            }
            try {
                return Optional.of(Secrets.read(oauth2.clientSecret().get(), Duration.ofSeconds(30)));
            } catch (SecretException e) {
                throw new ExitCodes.UsageError("account " + account + ": cannot read the client secret: " + e.getMessage());
            }
        }

        private static void show(PrintWriter out, Account a, DeviceFlow.Prompt prompt) {
            out.println("To let mailtidy read mail of " + a.username() + " (account " + a.id() + "):");
            out.println("  1. open " + prompt.verificationUri() + " in a browser");
            out.println("  2. enter the code " + prompt.userCode());
            prompt.verificationUriComplete().ifPresent(u -> out.println("  (or open " + u + " directly)"));
            out.println("Waiting for the approval; the code expires in " + prompt.expiresIn().toMinutes() + " minutes.");
            out.flush();
        }
    }
}
