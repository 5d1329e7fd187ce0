package org.mailtidy.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * What the fixtures that start a server process share (Dovecot, Cyrus, Courier, GNU Mailutils,
 * PostgreSQL): a command run to its end, a free loopback port, a fresh state directory under
 * target/, the wait for an IMAP greeting, and stopping a process with its children.
 */
final class ServerProcesses {
    private ServerProcesses() {
    }

    /** Runs {@code command} to its end and returns its output (stderr included); fails on a non-zero exit. */
    static String run(List<String> command) {
        return run(null, command);
    }

    /** The same with {@code stdin} (or nothing, if null) as its input. */
    static String run(byte[] stdin, List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (stdin != null) {
                p.getOutputStream().write(stdin);
            }
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A loopback port free now (the server binds it a moment later; nothing else of ours takes it). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * Returns once a connection to {@code port} gets the first byte of an IMAP greeting; fails with
     * {@code log} if {@code process} (null: one this JVM did not start) exits or 20 s pass first.
     */
    static void awaitImapGreeting(String server, int port, Process process, Supplier<String> log) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (process != null && !process.isAlive()) {
                throw new IOException(server + " exited with " + process.exitValue() + "; its log:\n" + log.get());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                s.setSoTimeout(2000);
                InputStream in = s.getInputStream();
                if (in.read() == '*') {
                    return;
                }
            } catch (IOException notYet) {
                try {
                    Thread.sleep(100); // how often to look, not a wait for the server
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
        }
        throw new IOException(server + " did not start listening on port " + port + "; its log:\n" + log.get());
    }

    /** The file's text, or its last {@code lines} lines; a note if there is none. */
    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log at " + file + ")";
        }
    }

    /** SIGTERM to the process and its children, then SIGKILL to what is left after 10 s. */
    static void stopTree(Process process) {
        if (process == null) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
