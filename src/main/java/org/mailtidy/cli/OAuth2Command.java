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
import org.mailtidy.oauth2.LoopbackFlow;
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

    @Command(name = "login", description = "Authorize mailtidy for an account once and store its refresh token in the"
            + " account's refresh_token_file: the device flow (RFC 8628: a code to enter on any device) for Microsoft,"
            + " the browser flow (RFC 8252: a URL to open on this machine) for Google.")
    static final class Login implements Callable<Integer> {
        @Option(names = "--account", required = true, paramLabel = "ID")
        String account;

        @Option(names = "--device-url", paramLabel = "URL", description = "use the device flow with this device"
                + " authorization endpoint (for an account with token_url)")
        URI deviceUrl;

        @Option(names = "--authorize-url", paramLabel = "URL", description = "use the browser flow with this"
                + " authorization endpoint (for an account with token_url)")
        URI authorizeUrl;

        @Option(names = "--port", paramLabel = "PORT", description = "browser flow: the loopback port that receives the"
                + " browser's redirect, e.g. to forward it with ssh -L PORT:127.0.0.1:PORT (default: any free port)")
        int port;

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
            URI tokenUrl = URI.create(oauth2.tokenUrl().orElseThrow());
            Optional<String> secret = clientSecret(oauth2);
            PrintWriter out = spec.commandLine().getOut();
            try {
                String refreshToken = switch (flow(oauth2)) {
                    case DEVICE -> new DeviceFlow(TokenEndpoint.standard(), Clock.systemUTC()).run(
                            new DeviceFlow.Client(deviceUrl(oauth2), tokenUrl, oauth2.clientId(), secret, oauth2.scope()),
                            prompt -> showCode(out, a, prompt));
                    case BROWSER -> new LoopbackFlow(TokenEndpoint.standard(), BROWSER_WAIT).run(
                            new LoopbackFlow.Client(authorizeUrl(oauth2), tokenUrl, oauth2.clientId(), secret,
                                    oauth2.scope(), port), prompt -> showUrl(out, a, prompt));
                };
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

        private static final Duration BROWSER_WAIT = Duration.ofMinutes(5);

        private enum Flow { DEVICE, BROWSER }

        private Flow flow(Account.OAuth2 oauth2) throws ExitCodes.UsageError {
            if (deviceUrl != null && authorizeUrl != null) {
                throw new ExitCodes.UsageError("--device-url and --authorize-url exclude each other");
            }
            if (deviceUrl != null) {
                return Flow.DEVICE;
            }
            if (authorizeUrl != null) {
                return Flow.BROWSER;
            }
            Optional<OAuth2Provider> preset = oauth2.provider().flatMap(OAuth2Provider::byId);
            if (preset.isPresent()) {
                return preset.get().deviceAuthorizationUrl().isPresent() ? Flow.DEVICE : Flow.BROWSER;
            }
            if (oauth2.tokenUrl().flatMap(Login::microsoftTenantDeviceUrl).isPresent()) {
                return Flow.DEVICE;
            }
            throw new ExitCodes.UsageError("account " + account + " uses token_url, so mailtidy does not know its"
                    + " authorization endpoints; give --device-url URL (device flow) or --authorize-url URL (browser flow)");
        }

        private URI deviceUrl(Account.OAuth2 oauth2) {
            if (deviceUrl != null) {
                return deviceUrl;
            }
            return URI.create(oauth2.provider().flatMap(OAuth2Provider::byId).flatMap(OAuth2Provider::deviceAuthorizationUrl)
                    .or(() -> oauth2.tokenUrl().flatMap(Login::microsoftTenantDeviceUrl)).orElseThrow());
        }

        private URI authorizeUrl(Account.OAuth2 oauth2) {
            if (authorizeUrl != null) {
                return authorizeUrl;
            }
            return URI.create(oauth2.provider().flatMap(OAuth2Provider::byId).orElseThrow().authorizationUrl());
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

        private static void showCode(PrintWriter out, Account a, DeviceFlow.Prompt prompt) {
            out.println("To let mailtidy read mail of " + a.username() + " (account " + a.id() + "):");
            out.println("  1. open " + prompt.verificationUri() + " in a browser");
            out.println("  2. enter the code " + prompt.userCode());
            prompt.verificationUriComplete().ifPresent(u -> out.println("  (or open " + u + " directly)"));
            out.println("Waiting for the approval; the code expires in " + prompt.expiresIn().toMinutes() + " minutes.");
            out.flush();
        }

        private static void showUrl(PrintWriter out, Account a, LoopbackFlow.Prompt prompt) {
            out.println("To let mailtidy read mail of " + a.username() + " (account " + a.id() + "), open this URL in a"
                    + " browser on this machine and approve:");
            out.println("  " + prompt.authorizationRequest());
            out.println("The browser is then sent back to " + prompt.redirectUri() + ", where mailtidy waits for "
                    + BROWSER_WAIT.toMinutes() + " minutes (on a remote machine, choose the port with --port and"
                    + " forward it first: ssh -L PORT:127.0.0.1:PORT).");
            out.flush();
        }
    }
}
