package org.mailtidy.imap;

import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.security.Security;
import java.util.Map;
import java.util.Properties;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.sasl.SaslClient;
import javax.security.sasl.SaslClientFactory;
import javax.security.sasl.SaslException;

/**
 * The OAUTHBEARER SASL mechanism (RFC 7628), which Angus lacks: registered as a JCA
 * {@code SaslClientFactory} so Angus's SASL path ({@code mail.imap.sasl.enable}) can use it.
 */
final class OAuthBearer {
    static final String MECHANISM = "OAUTHBEARER";
    private static final byte KVSEP = 0x01;

    private OAuthBearer() {
    }

    static void configure(Properties props, String prefix) {
        register();
        props.setProperty(prefix + "sasl.enable", "true");
        props.setProperty(prefix + "sasl.mechanisms", MECHANISM);
        // No built-in authenticator has this name, so Angus tries nothing else after SASL.
        props.setProperty(prefix + "auth.mechanisms", MECHANISM);
    }

    private static synchronized void register() {
        if (Security.getProvider(ProviderImpl.NAME) == null) {
            Security.addProvider(new ProviderImpl());
        }
    }

    /** RFC 7628 section 3.1: {@code n,a=user,^Aauth=Bearer token^A^A}; user escaped per RFC 5801. */
    static byte[] initialResponse(String user, String token) {
        String authzid = user.replace("=", "=3D").replace(",", "=2C");
        String gs2 = "n,a=" + authzid + ",";
        String kv = "\u0001auth=Bearer " + token + "\u0001\u0001";
        return (gs2 + kv).getBytes(StandardCharsets.UTF_8);
    }

    private static final class ProviderImpl extends Provider {
        static final String NAME = "mailtidy-oauthbearer";

        ProviderImpl() {
            super(NAME, "1.0", "OAUTHBEARER SASL client (RFC 7628)");
            put("SaslClientFactory." + MECHANISM, Factory.class.getName());
        }
    }

    /** Instantiated by the JCA through its public no-argument constructor. */
    public static final class Factory implements SaslClientFactory {
        @Override
        public SaslClient createSaslClient(String[] mechanisms, String authorizationId, String protocol,
                                           String serverName, Map<String, ?> props, CallbackHandler cbh) {
            for (String m : mechanisms) {
                if (MECHANISM.equalsIgnoreCase(m)) {
                    return new Client(cbh);
                }
            }
            return null;
        }

        @Override
        public String[] getMechanismNames(Map<String, ?> props) {
            return new String[] {MECHANISM};
        }
    }

    private static final class Client implements SaslClient {
        private final CallbackHandler callbacks;
        private boolean sent;
        private boolean complete;

        Client(CallbackHandler callbacks) {
            this.callbacks = callbacks;
        }

        @Override
        public String getMechanismName() {
            return MECHANISM;
        }

        @Override
        public boolean hasInitialResponse() {
            return true;
        }

        @Override
        public byte[] evaluateChallenge(byte[] challenge) throws SaslException {
            if (!sent) {
                sent = true;
                return firstMessage();
            }
            // RFC 7628 section 3.2.3: the server sent error JSON; answer with a lone ^A to get the NO.
            complete = true;
            return new byte[] {KVSEP};
        }

        private byte[] firstMessage() throws SaslException {
            NameCallback name = new NameCallback("user");
            PasswordCallback token = new PasswordCallback("token", false);
            try {
                callbacks.handle(new Callback[] {name, token});
            } catch (Exception e) {
                throw new SaslException("cannot get the user name and token", e);
            }
            char[] secret = token.getPassword();
            token.clearPassword();
            return initialResponse(name.getName(), secret == null ? "" : new String(secret));
        }

        @Override
        public boolean isComplete() {
            return complete || sent;
        }

        @Override
        public byte[] unwrap(byte[] incoming, int offset, int len) {
            throw new IllegalStateException("OAUTHBEARER has no security layer");
        }

        @Override
        public byte[] wrap(byte[] outgoing, int offset, int len) {
            throw new IllegalStateException("OAUTHBEARER has no security layer");
        }

        @Override
        public Object getNegotiatedProperty(String propName) {
            return null;
        }

        @Override
        public void dispose() {
        }
    }
}
