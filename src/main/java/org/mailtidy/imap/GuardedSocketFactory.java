package org.mailtidy.imap;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/**
 * Angus's {@code mail.imap.socketFactory} for one connection: plain sockets whose streams go
 * through the connection's {@link ResponseGuard} (until STARTTLS puts a TLS layer above them).
 */
final class GuardedSocketFactory extends SocketFactory {
    private final ResponseGuard guard;

    GuardedSocketFactory(ResponseGuard guard) {
        this.guard = guard;
    }

    @Override
    public Socket createSocket() {
        return new GuardedSocket(guard);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port), null);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected(new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port), null);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return connected(new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
    }

    /** A guarded socket connected to {@code remote}, bound first to {@code local} when that is not null. */
    private Socket connected(InetSocketAddress remote, InetSocketAddress local) throws IOException {
        Socket s = createSocket();
        if (local != null) {
            s.bind(local);
        }
        s.connect(remote);
        return s;
    }

    /**
     * Pipelined commands are written one after another: with Nagle's algorithm the second would wait
     * for the server's acknowledgement of the first, a round trip (or a delayed ACK) per flight.
     */
    static void noDelay(Socket s) {
        try {
            s.setTcpNoDelay(true);
        } catch (java.net.SocketException e) {
            // a socket that cannot take the option still works, only slower when commands are pipelined
        }
    }

    /** A platform socket whose streams are guarded. */
    private static final class GuardedSocket extends Socket {
        private final ResponseGuard guard;
        private final Object token;
        private InputStream in;
        private OutputStream out;

        GuardedSocket(ResponseGuard guard) {
            this.guard = guard;
            this.token = guard.newLayer(this);
            noDelay(this);
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (in == null) {
                in = guard.input(super.getInputStream(), this, token);
            }
            return in;
        }

        @Override
        public synchronized OutputStream getOutputStream() throws IOException {
            if (out == null) {
                out = guard.output(super.getOutputStream(), token);
            }
            return out;
        }
    }
}
