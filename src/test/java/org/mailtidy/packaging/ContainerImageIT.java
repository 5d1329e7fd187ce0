package org.mailtidy.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailtidy.testsupport.Dovecot;

/**
 * The image tar that {@code mvn package} makes with Jib: its configuration as a container engine
 * reads it, and its file system unpacked and run for real (chroot as the image's user, with /proc
 * mounted as a container runtime would) against the private Dovecot, until /healthz answers.
 * Needs root for chroot and the mount namespace; CI runs as root.
 */
class ContainerImageIT {
    private static final Path IMAGE = Path.of("target", "mailtidy-image.tar");
    private static String config;

    @TempDir
    static Path dir;

    @BeforeAll
    static void unpack() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "chroot needs root");
        assertThat(IMAGE).as("mvn package makes the image tar").isRegularFile();
        Path tar = dir.resolve("tar");
        Files.createDirectories(tar);
        run(List.of("tar", "-xf", IMAGE.toAbsolutePath().toString(), "-C", tar.toString()));
        String manifest = Files.readString(tar.resolve("manifest.json"));
        config = Files.readString(tar.resolve(field(manifest, "Config")));
        Path rootfs = Files.createDirectories(dir.resolve("rootfs"));
        Matcher layers = Pattern.compile("\"([0-9a-f]{64}\\.tar\\.gz)\"").matcher(manifest);
        while (layers.find()) {
            run(List.of("tar", "-xzpf", tar.resolve(layers.group(1)).toString(), "-C", rootfs.toString()));
        }
    }

    @Test
    void theImageRunsMailtidyAsANonRootUserWithConfigAndStateAsVolumes() {
        assertThat(config).contains("\"User\":\"10001:10001\"", "\"Cmd\":[\"run\"]",
                "\"Entrypoint\":[\"/opt/java/bin/java\"", "\"org.mailtidy.cli.Main\"]",
                "\"Volumes\":{\"/etc/mailtidy\":{},\"/var/lib/mailtidy\":{}}", "\"ExposedPorts\":{\"9464/tcp\":{}}",
                "MAILTIDY_CONFIG=/etc/mailtidy/mailtidy.yaml", "MAILTIDY_STATE_DIR=/var/lib/mailtidy");
        assertThat(dir.resolve("rootfs/etc/passwd")).content().contains("mailtidy:x:10001:10001:");
    }

    @Test
    void theUnpackedImageServesHealthzFromADaemonAgainstDovecotAndStopsOnSigterm() throws Exception {
        Dovecot dovecot = Dovecot.get();
        String user = dovecot.newUser("image");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path rootfs = dir.resolve("rootfs");
        Files.writeString(rootfs.resolve("etc/mailtidy/mailtidy.yaml"), "version: 1\naccounts:\n"
                + "  a: {host: 127.0.0.1, port: " + dovecot.imapPort() + ", tls: none, username: " + user
                + ", password: " + Dovecot.password(user) + "}\n"
                + "http: {listen: 127.0.0.1:" + port + "}\n"
                + "rules:\n  - {name: r, match: {subject: x}, add_flags: [X], schedule: every 1h}\n");

        Process daemon = inImage(rootfs, "run");
        try {
            HttpClient http = HttpClient.newHttpClient();
            URI healthz = URI.create("http://127.0.0.1:" + port + "/healthz");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int status = 0;
            while (status != 200 && daemon.isAlive() && System.nanoTime() < deadline) {
                try {
                    status = http.send(HttpRequest.newBuilder(healthz).build(), HttpResponse.BodyHandlers.ofString())
                            .statusCode();
                } catch (IOException notYet) {
                    Thread.sleep(200);
                }
            }
            if (!daemon.isAlive()) {
                throw new AssertionError("the daemon in the image exited: "
                        + new String(daemon.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
            assertThat(status).as("GET /healthz from the daemon in the image").isEqualTo(200);
            daemon.toHandle().descendants().forEach(ProcessHandle::destroy);
            assertThat(daemon.waitFor(15, TimeUnit.SECONDS)).isTrue();
            assertThat(daemon.exitValue()).as(new String(daemon.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                    .isZero();
        } finally {
            daemon.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            daemon.destroyForcibly();
        }
    }

    /** The image's entrypoint, as its user, in the unpacked file system with /proc mounted. */
    private static Process inImage(Path rootfs, String... args) throws IOException {
        String entrypoint = "/opt/java/bin/java -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -cp @/app/jib-classpath-file"
                + " org.mailtidy.cli.Main " + String.join(" ", args);
        String script = "mkdir -p " + rootfs + "/proc && mount -t proc proc " + rootfs + "/proc && exec chroot"
                + " --userspec=10001:10001 " + rootfs + " " + entrypoint;
        List<String> argv = new ArrayList<>(List.of("unshare", "--mount", "--fork", "sh", "-c", script));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().clear();
        // the image's Env
        pb.environment().putAll(java.util.Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin",
                "MAILTIDY_CONFIG", "/etc/mailtidy/mailtidy.yaml", "MAILTIDY_STATE_DIR", "/var/lib/mailtidy",
                "HOME", "/var/lib/mailtidy"));
        return pb.start();
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(json);
        assertThat(m.find()).as(name + " in " + json).isTrue();
        return m.group(1);
    }

    private static void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
    }
}
