package org.mailtidy.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Properties;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslClient;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import org.junit.jupiter.api.Test;

class OAuthBearerTest {

    @Test
    void initialResponseFollowsRfc7628WithEscapedUser() {
        byte[] r = OAuthBearer.initialResponse("a,b=c@x.example", "tok123");
        assertThat(new String(r, StandardCharsets.UTF_8))
                .isEqualTo("n,a=a=2Cb=3Dc@x.example,\u0001auth=Bearer tok123\u0001\u0001");
    }

    @Test
    void registeredSaslClientSendsTheTokenThenAnswersAnErrorChallengeWithKvsep() throws Exception {
        OAuthBearer.configure(new Properties(), "mail.imap.");
        SaslClient client = Sasl.createSaslClient(new String[] {"OAUTHBEARER"}, null, "imap", "localhost", null,
                callbacks -> {
                    for (var cb : callbacks) {
                        if (cb instanceof NameCallback n) {
                            n.setName("bob");
                        } else if (cb instanceof PasswordCallback p) {
                            p.setPassword("tok".toCharArray());
                        }
                    }
                });
        assertThat(client).isNotNull();
        assertThat(client.hasInitialResponse()).isTrue();
        assertThat(new String(client.evaluateChallenge(new byte[0]), StandardCharsets.UTF_8))
                .isEqualTo("n,a=bob,\u0001auth=Bearer tok\u0001\u0001");
        assertThat(client.evaluateChallenge("{\"status\":\"invalid_token\"}".getBytes(StandardCharsets.UTF_8)))
                .containsExactly(1);
    }
}
