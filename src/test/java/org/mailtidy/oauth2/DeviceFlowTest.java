package org.mailtidy.oauth2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mailtidy.testsupport.Await;
import org.mailtidy.testsupport.FakeAuthorizationServer;

class DeviceFlowTest {
    @RegisterExtension
    static final FakeAuthorizationServer auth = FakeAuthorizationServer.start();

    @Test
    void pollsUntilTheUserApprovesAndReturnsARefreshTokenForThatUser() throws Exception {
        List<DeviceFlow.Prompt> prompts = new CopyOnWriteArrayList<>();
        int before = auth.tokenRequests();
        String refreshToken = flow().run(client(), p -> {
            prompts.add(p);
            approveAfter(p.userCode(), "grace", () -> auth.tokenRequests() - before >= 1);
        });
        assertThat(prompts).singleElement().satisfies(p -> {
            assertThat(p.userCode()).startsWith("WDJB-");
            assertThat(p.verificationUri()).isEqualTo(auth.deviceUrl().resolve("/activate").toString());
            assertThat(p.expiresIn()).isEqualTo(Duration.ofMinutes(10));
        });
        assertThat(auth.userOfRefreshToken(refreshToken)).isEqualTo("grace");
        assertThat(auth.tokenRequests() - before).as("polls: pending, then granted").isGreaterThanOrEqualTo(2);
    }

    @Test
    void aDenialEndsTheFlowWithAClearMessage() {
        assertThatThrownBy(() -> flow().run(client(), p -> auth.deny(p.userCode())))
                .isInstanceOf(OAuth2Exception.class)
                .hasMessage("the authorization was denied in the browser; run the command again to retry");
    }

    @Test
    void anUnknownClientIsRefusedAtTheStart() {
        DeviceFlow.Client wrong = new DeviceFlow.Client(auth.deviceUrl(), auth.tokenUrl(), "nobody", Optional.empty(),
                Optional.of("mail"));
        assertThatThrownBy(() -> flow().run(wrong, p -> { }))
                .hasMessage(auth.deviceUrl() + " refused the device authorization: invalid_client; check client_id and"
                        + " scope (the client must be registered for the device flow)");
    }

    private static DeviceFlow flow() {
        return new DeviceFlow(new TokenEndpoint(new TokenEndpoint.Settings(Duration.ofSeconds(2), Duration.ofSeconds(2),
                1, Duration.ofMillis(10))), Clock.systemUTC());
    }

    private static DeviceFlow.Client client() {
        return new DeviceFlow.Client(auth.deviceUrl(), auth.tokenUrl(), FakeAuthorizationServer.CLIENT_ID,
                Optional.of(FakeAuthorizationServer.CLIENT_SECRET), Optional.of("mail"));
    }

    /** The user approves in the browser once {@code polled}: the flow has been told "pending" first. */
    private static void approveAfter(String userCode, String user, BooleanSupplier polled) {
        Thread t = new Thread(() -> {
            try {
                Await.await("the flow's first poll", Duration.ofSeconds(10), polled);
            } catch (InterruptedException e) {
                return;
            }
            auth.approve(userCode, user);
        });
        t.setDaemon(true);
        t.start();
    }
}
