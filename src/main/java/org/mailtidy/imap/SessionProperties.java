package org.mailtidy.imap;

import java.util.Properties;
import javax.net.ssl.SSLSocketFactory;

/** The Angus session properties for one account; every key uses the prefix of its protocol. */
final class SessionProperties {
    private SessionProperties() {
    }

    static String protocol(ConnectionSettings s) {
        return s.security() == ConnectionSettings.Security.IMPLICIT ? "imaps" : "imap";
    }

    static Properties of(ConnectionSettings s, SSLSocketFactory socketFactory) {
        return of(s, socketFactory, new ResponseGuard(s.limits(), s.host() + ":" + s.port()));
    }

    /** With every byte the server sends going through {@code guard} first. */
    static Properties of(ConnectionSettings s, SSLSocketFactory socketFactory, ResponseGuard guard) {
        String p = "mail." + protocol(s) + ".";
        Properties props = new Properties();
        props.setProperty(p + "host", s.host());
        props.setProperty(p + "port", Integer.toString(s.port()));
        // Angus's timeouts are infinite by default: a dead server would hang a run forever.
        props.setProperty(p + "connectiontimeout", Long.toString(s.connectTimeout().toMillis()));
        props.setProperty(p + "timeout", Long.toString(s.readTimeout().toMillis()));
        props.setProperty(p + "writetimeout", Long.toString(s.readTimeout().toMillis()));
        props.setProperty(p + "ssl.checkserveridentity", "true");
        boolean startTls = s.security() == ConnectionSettings.Security.STARTTLS;
        props.setProperty(p + "starttls.enable", Boolean.toString(startTls));
        props.setProperty(p + "starttls.required", Boolean.toString(startTls));
        // Angus's reader allocates what the server announces (a literal's size, a line's length):
        // the guard checks it on the socket's streams first, below every TLS layer's plaintext side.
        props.put(p + "socketFactory", new GuardedSocketFactory(guard));
        if (s.security() != ConnectionSettings.Security.NONE) {
            // only then: the default SSL factory sets up TLS (about 0.3 s of a cold start)
            props.put(p + "ssl.socketFactory", new GuardedSslSocketFactory(guard,
                    socketFactory != null ? socketFactory : (SSLSocketFactory) SSLSocketFactory.getDefault()));
        }
        // Otherwise Angus retries a failed TLS connection with the default factory and reports that
        // attempt's error instead of the real one.
        props.setProperty(p + "ssl.socketFactory.fallback", "false");
        props.setProperty(p + "socketFactory.fallback", "false");
        // Angus's own folder fails on a VANISHED of several UIDs, the expunge report once QRESYNC is on.
        props.setProperty(p + "folder.class", VanishedSafeFolder.class.getName());
        if (s.masterUser().isPresent()) {
            // PLAIN alone carries an authorization id; MasterLoginStore refuses a server without it
            props.setProperty(p + "auth.mechanisms", "PLAIN");
            props.setProperty(p + "sasl.authorizationid", s.username());
            return props;
        }
        switch (s.mechanism()) {
            case LOGIN -> {
                props.setProperty(p + "auth.mechanisms", "PLAIN LOGIN");
                // Angus's own AUTHENTICATE PLAIN waits for an empty continuation before it sends the
                // credentials; its SASL path sends them with the command where the server has SASL-IR
                // (RFC 4959): one round trip less. Without SASL-IR it is the same exchange as before.
                props.setProperty(p + "sasl.enable", "true");
                props.setProperty(p + "sasl.mechanisms", "PLAIN");
            }
            case XOAUTH2 -> {
                props.setProperty(p + "auth.mechanisms", "XOAUTH2");
                props.setProperty(p + "auth.xoauth2.disable", "false");
                // Without these Angus would fall back to LOGIN and send the token as a password.
                props.setProperty(p + "auth.login.disable", "true");
                props.setProperty(p + "auth.plain.disable", "true");
            }
            case OAUTHBEARER -> OAuthBearer.configure(props, p);
        }
        return props;
    }
}
