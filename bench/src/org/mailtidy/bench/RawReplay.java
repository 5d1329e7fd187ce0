package org.mailtidy.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Sends recorded commands again over one plain socket, each after the previous one completed (as the
 * recording client did), and reads the answers without interpreting them beyond literals and the
 * tagged completion: the server's own floor for that work.
 */
final class RawReplay {
    private final InputStream in;
    private final OutputStream out;
    long bytesSent;
    long bytesReceived;

    private RawReplay(Socket socket) throws IOException {
        this.in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
        this.out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
    }

    /** Logs in, replays, returns {wall nanos from connect to the last completion, bytes sent, bytes received}. */
    static long[] run(String host, int port, String user, String password, List<Rawlog.Command> commands)
            throws IOException {
        long start = System.nanoTime();
        try (Socket socket = new Socket(host, port)) {
            socket.setTcpNoDelay(true);
            RawReplay r = new RawReplay(socket);
            r.readLine();
            r.send(("L0 LOGIN " + user + " " + password + "\r\n").getBytes(StandardCharsets.UTF_8));
            r.awaitTagged("L0");
            for (Rawlog.Command c : commands) {
                r.replay(c);
            }
            return new long[] {System.nanoTime() - start, r.bytesSent, r.bytesReceived};
        }
    }

    private void replay(Rawlog.Command c) throws IOException {
        byte[] b = c.bytes();
        int from = 0;
        for (int point : c.syncPoints()) {
            send(java.util.Arrays.copyOfRange(b, from, point));
            String cont = readLine();
            if (!cont.startsWith("+")) {
                throw new IOException("expected a continuation after " + c.text().lines().findFirst().orElse("")
                        + ", got " + cont);
            }
            from = point;
        }
        send(java.util.Arrays.copyOfRange(b, from, b.length));
        String text = c.text();
        String tag = text.substring(0, text.indexOf(' '));
        if (c.verb().equals("IDLE")) {
            throw new IOException("cannot replay IDLE");
        }
        awaitTagged(tag);
    }

    private void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        bytesSent += bytes.length;
    }

    private void awaitTagged(String tag) throws IOException {
        String prefix = tag + " ";
        while (true) {
            String line = readLine();
            if (line.startsWith(prefix)) {
                return;
            }
        }
    }

    /** One response line with any literals it carries; the returned text omits the literal data. */
    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("server closed the connection");
            }
            bytesReceived++;
            if (c != '\n') {
                line.write(c);
                continue;
            }
            String s = line.toString(StandardCharsets.ISO_8859_1);
            int open = s.lastIndexOf('{');
            if (s.endsWith("}\r") && open >= 0) {
                long n = Long.parseLong(s.substring(open + 1, s.length() - 2));
                skip(n);
                line.reset();
                line.write(s.substring(0, open).getBytes(StandardCharsets.ISO_8859_1));
                continue;
            }
            return s;
        }
    }

    private void skip(long n) throws IOException {
        long left = n;
        while (left > 0) {
            long k = in.skip(left);
            if (k <= 0) {
                if (in.read() < 0) {
                    throw new IOException("server closed the connection in a literal");
                }
                k = 1;
            }
            left -= k;
        }
        bytesReceived += n;
    }
}
