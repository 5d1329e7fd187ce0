package org.mailtidy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mailtidy.testsupport.Await;
import org.mailtidy.testsupport.FakeAuthorizationServer;
import picocli.CommandLine;

/** {@code mailtidy oauth2 login} in-process against the fake authorization server. */
class OAuth2LoginCommandTest {
    @RegisterExtension
    static final FakeAuthorizationServer auth = FakeAuthorizationServer.start();

    @TempDir
    Path dir;

    @Test
    void runsTheDeviceFlowAndStoresTheRefreshTokenWithMode0600() throws Exception {
        Path tokenFile = dir.resolve("state/work.token");
        Path config = config("refresh_token_file: " + tokenFile);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> commandLine(out, err)
                .execute("oauth2", "login", "--account", "work", "-c", config.toString(),
                        "--device-url", auth.deviceUrl().toString()));

        String userCode = awaitPendingUserCode();
        assertThat(status).isNotDone();
        auth.approve(userCode, "worker@example.org");

        assertThat(status.get(20, TimeUnit.SECONDS)).as(err.toString()).isZero();
        String refreshToken = Files.readString(tokenFile).trim();
        assertThat(auth.userOfRefreshToken(refreshToken)).isEqualTo("worker@example.org");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
        assertThat(out.toString()).contains("open " + auth.deviceUrl().resolve("/activate"))
                .contains("enter the code " + userCode)
                .contains("Saved the refresh token of account work to " + tokenFile)
                .doesNotContain(refreshToken);
    }

    @Test
    void aDeniedAuthorizationExitsWithStatus1AndSaysSo() throws Exception {
        Path config = config("refresh_token_file: " + dir.resolve("work.token"));
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> commandLine(new StringWriter(), err)
                .execute("oauth2", "login", "--account", "work", "-c", config.toString(),
                        "--device-url", auth.deviceUrl().toString()));
        auth.deny(awaitPendingUserCode());
        assertThat(status.get(20, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(err.toString()).contains("the authorization was denied in the browser; run the command again");
        assertThat(dir.resolve("work.token")).doesNotExist();
    }

    @Test
    void anAccountWithoutARefreshTokenFileIsAUsageError() throws Exception {
        Path config = config("refresh_token: abc");
        StringWriter err = new StringWriter();
        int status = commandLine(new StringWriter(), err).execute("oauth2", "login", "--account", "work",
                "-c", config.toString(), "--device-url", auth.deviceUrl().toString());
        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).contains("account work has no refresh_token_file to store the token in");
    }

    @Test
    void aTokenUrlAccountNeedsTheDeviceUrl() throws Exception {
        Path config = config("refresh_token_file: " + dir.resolve("work.token"));
        StringWriter err = new StringWriter();
        int status = commandLine(new StringWriter(), err).execute("oauth2", "login", "--account", "work",
                "-c", config.toString());
        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).contains("give --device-url URL (device flow) or --authorize-url URL (browser flow)");
    }

    @Test
    void theBrowserFlowTakesTheCodeOnLoopbackAndExchangesItWithPkce() throws Exception {
        Path tokenFile = dir.resolve("browser.token");
        Path config = config("refresh_token_file: " + tokenFile);
        PipedLines out = new PipedLines();
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> {
            CommandLine cl = Main.commandLine();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            return cl.execute("oauth2", "login", "--account", "work", "-c", config.toString(),
                    "--authorize-url", auth.authorizeUrl() + "?login_hint=walter");
        });
        String url = out.awaitLine(l -> l.startsWith("  " + auth.authorizeUrl())).trim();
        assertThat(url).contains("code_challenge_method=S256").contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A");

        // the "browser": follow the redirect back to mailtidy's loopback listener
        java.net.http.HttpResponse<String> page = java.net.http.HttpClient.newBuilder()
                .followRedirects(java.net.http.HttpClient.Redirect.ALWAYS).build()
                .send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(page.body()).contains("you can close this window");

        assertThat(status.get(20, TimeUnit.SECONDS)).as(err.toString()).isZero();
        assertThat(auth.userOfRefreshToken(Files.readString(tokenFile).trim())).isEqualTo("walter");
    }

    /** Output that a test can wait on line by line while the command still runs. */
    private static final class PipedLines extends java.io.Writer {
        private final StringBuffer text = new StringBuffer();

        @Override
        public void write(char[] cbuf, int off, int len) {
            text.append(cbuf, off, len);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }

        String awaitLine(java.util.function.Predicate<String> wanted) throws InterruptedException {
            return Await.awaitValue("a line of the output", Duration.ofSeconds(10),
                    () -> Arrays.stream(text.toString().split("\n")).filter(wanted).findFirst());
        }
    }

    @Test
    void aTenantSpecificMicrosoftTokenUrlHasItsDeviceEndpointBeside() {
        assertThat(OAuth2Command.Login.microsoftTenantDeviceUrl(
                "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"))
                .contains("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/devicecode");
        assertThat(OAuth2Command.Login.microsoftTenantDeviceUrl("https://login.example.org/oauth2/v2.0/token")).isEmpty();
    }

    private Path config(String refreshTokenLine) throws Exception {
        Path file = dir.resolve("mailtidy.yaml");
        Files.writeString(file, """
                version: 1
                accounts:
                  work:
                    host: imap.example.org
                    username: worker@example.org
                    auth: xoauth2
                    oauth2:
                      token_url: %s
                      client_id: %s
                      client_secret: %s
                      %s
                rules: []
                """.formatted(auth.tokenUrl(), FakeAuthorizationServer.CLIENT_ID, FakeAuthorizationServer.CLIENT_SECRET,
                refreshTokenLine));
        return file;
    }

    private static String awaitPendingUserCode() throws InterruptedException {
        return Await.awaitValue("the command to ask for a device code", Duration.ofSeconds(10),
                () -> auth.pendingUserCodes().stream().findFirst());
    }

    private static CommandLine commandLine(StringWriter out, StringWriter err) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl;
    }
}
