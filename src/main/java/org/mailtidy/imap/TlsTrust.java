package org.mailtidy.imap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import java.net.Socket;
import java.util.Collection;

/**
 * The socket factory for TLS: the system trust store, plus the CAs of a PEM file when one is given.
 * Host names are checked by Angus ({@code ssl.checkserveridentity}), never switched off.
 */
final class TlsTrust {
    private TlsTrust() {
    }

    /**
     * One factory (one SSLContext, so one client session cache) per CA file as read: a reconnect to
     * the same server resumes its TLS session (RFC 8446 section 2.2, an abbreviated handshake) instead
     * of a full one. Re-read when the file changes.
     */
    /**
     * Server certificates checked with a CA file so far: one per full handshake, none for a resumed
     * session (its certificate was checked when the session was made).
     */
    static final java.util.concurrent.atomic.AtomicLong FULL_HANDSHAKES = new java.util.concurrent.atomic.AtomicLong();

    private static final java.util.Map<String, SSLSocketFactory> FACTORIES = new java.util.concurrent.ConcurrentHashMap<>();

    static SSLSocketFactory socketFactory(Path caFile) throws ImapException {
        String key;
        try {
            Path real = caFile.toAbsolutePath();
            key = real + "\u0000" + java.nio.file.Files.getLastModifiedTime(real).toMillis() + "\u0000"
                    + java.nio.file.Files.size(real);
        } catch (IOException e) {
            throw new ImapException.TlsFailure("cannot read the CA file " + caFile + ": " + e.getMessage(), e);
        }
        SSLSocketFactory known = FACTORIES.get(key);
        if (known != null) {
            return known;
        }
        SSLSocketFactory made = newSocketFactory(caFile);
        if (FACTORIES.size() > 64) {
            FACTORIES.clear();  // CA files replaced again and again: keep the map small
        }
        SSLSocketFactory raced = FACTORIES.putIfAbsent(key, made);
        return raced != null ? raced : made;
    }

    private static SSLSocketFactory newSocketFactory(Path caFile) throws ImapException {
        try {
            X509TrustManager system = trustManager(null);
            X509TrustManager extra = trustManager(keyStoreOf(caFile));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new EitherTrustManager(extra, system)}, null);
            return context.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new ImapException.TlsFailure("cannot read the CA file " + caFile + ": " + e.getMessage(), e);
        }
    }

    private static KeyStore keyStoreOf(Path pem) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            int i = 0;
            for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + i++, cert);
            }
            if (i == 0) {
                throw new CertificateException("no certificate found in the file");
            }
        }
        return store;
    }

    private static X509TrustManager trustManager(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return Stream.of(factory.getTrustManagers()).filter(X509TrustManager.class::isInstance)
                .map(X509TrustManager.class::cast).findFirst()
                .orElseThrow(() -> new GeneralSecurityException("no X509TrustManager"));
    }

    /**
     * Trusts a chain that either the extra CAs or the system store accept, and checks the host name
     * itself (RFC 6125 section 6: subjectAltName DNS or IP entries), because Angus's own check falls
     * back to the system trust store, which does not know the extra CAs.
     */
    private static final class EitherTrustManager extends X509ExtendedTrustManager {
        private final X509TrustManager first;
        private final X509TrustManager second;

        EitherTrustManager(X509TrustManager first, X509TrustManager second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkServerTrusted(chain, authType);
            if (socket instanceof SSLSocket ssl && ssl.getHandshakeSession() != null) {
                HostNames.check(ssl.getHandshakeSession().getPeerHost(), chain[0]);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkServerTrusted(chain, authType);
            if (engine != null && engine.getPeerHost() != null) {
                HostNames.check(engine.getPeerHost(), chain[0]);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            FULL_HANDSHAKES.incrementAndGet();
            try {
                first.checkServerTrusted(chain, authType);
            } catch (CertificateException notByExtraCa) {
                try {
                    second.checkServerTrusted(chain, authType);
                } catch (CertificateException notBySystem) {
                    notByExtraCa.addSuppressed(notBySystem);
                    throw notByExtraCa;
                }
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            second.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            second.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            second.checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            List<X509Certificate> all = new ArrayList<>(List.of(first.getAcceptedIssuers()));
            all.addAll(List.of(second.getAcceptedIssuers()));
            return all.toArray(X509Certificate[]::new);
        }
    }

    /** Host name matching of RFC 6125 section 6.4: exact IP, or DNS name with a left-most wildcard. */
    static final class HostNames {
        private HostNames() {
        }

        static void check(String host, X509Certificate cert) throws CertificateException {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            List<String> names = new ArrayList<>();
            boolean ip = host.matches("[0-9.]+") || host.contains(":");
            if (sans != null) {
                for (List<?> san : sans) {
                    int type = (Integer) san.get(0);
                    String value = String.valueOf(san.get(1));
                    names.add(value);
                    if (ip && type == 7 && sameAddress(host, value)) {
                        return;
                    }
                    if (!ip && type == 2 && dnsMatches(host, value)) {
                        return;
                    }
                }
            }
            throw new CertificateException("the server's certificate does not match the host name '" + host
                    + "' (it names " + names + ")");
        }

        private static boolean sameAddress(String a, String b) {
            try {
                return java.net.InetAddress.getByName(a).equals(java.net.InetAddress.getByName(b));
            } catch (java.net.UnknownHostException e) {
                return false;
            }
        }

        private static boolean dnsMatches(String host, String pattern) {
            String h = host.toLowerCase(java.util.Locale.ROOT);
            String p = pattern.toLowerCase(java.util.Locale.ROOT);
            if (p.startsWith("*.")) {
                int dot = h.indexOf('.');
                return dot > 0 && h.substring(dot).equals(p.substring(1));
            }
            return h.equals(p);
        }
    }
}
