package org.mailtidy.imap;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Angus's {@code mail.imap(s).ssl.socketFactory} for one connection: the TLS sockets of {@code
 * delegate}, layered over the connection's socket (implicit TLS, or STARTTLS), with their plaintext
 * streams going through the connection's {@link ResponseGuard}. Still {@link SSLSocket}s, so Angus
 * configures them and checks the server's identity as before.
 */
final class GuardedSslSocketFactory extends SSLSocketFactory {
    private final ResponseGuard guard;
    private final SSLSocketFactory delegate;

    GuardedSslSocketFactory(ResponseGuard guard, SSLSocketFactory delegate) {
        this.guard = guard;
        this.delegate = delegate;
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
        Object token = guard.newLayer(s);
        SSLSocket ssl = (SSLSocket) delegate.createSocket(s, host, port, autoClose);
        guard.tls(ssl);
        return new Guarded(ssl, guard, token);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return wrap(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return wrap(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return wrap(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return wrap(delegate.createSocket(address, port, localAddress, localPort));
    }

    private Socket wrap(Socket s) {
        SSLSocket ssl = (SSLSocket) s;
        GuardedSocketFactory.noDelay(ssl);
        guard.tls(ssl);
        return new Guarded(ssl, guard, guard.newLayer(ssl));
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }

    /** The TLS socket with guarded streams. */
    private static final class Guarded extends DelegatingSslSocket {
        private final ResponseGuard guard;
        private final Object token;
        private InputStream in;
        private OutputStream out;

        Guarded(SSLSocket ssl, ResponseGuard guard, Object token) {
            super(ssl);
            this.guard = guard;
            this.token = token;
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (in == null) {
                in = guard.input(ssl.getInputStream(), ssl, token);
            }
            return in;
        }

        @Override
        public synchronized OutputStream getOutputStream() throws IOException {
            if (out == null) {
                out = guard.output(ssl.getOutputStream(), token);
            }
            return out;
        }
    }
}
