package org.mailtidy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailtidy.testsupport.GreenMailServer;
import org.mailtidy.testsupport.TestMessage;

/**
 * {@code bin/mailtidy} as installed ({@code /usr/share/mailtidy/bin/mailtidy} next to {@code mailtidy.jar}):
 * the class archive it writes on the first {@code once} and maps afterwards, and that nothing about
 * the archive (missing, damaged, unwritable) changes a command's result or output. Whether the archive
 * is used is read from the JVM's class loading log, never from timings.
 */
class LauncherIT {
    private static final String FROM_ARCHIVE = "org.mailtidy.cli.Main source: shared objects file (top)";
    private static final GreenMailServer server = GreenMailServer.shared();

    @TempDir
    Path temp;
    private Path installed;
    private Path config;

    record Result(int status, String out) {
    }

    @BeforeEach
    void install() throws Exception {
        installed = temp.resolve("opt");
        Files.createDirectories(installed.resolve("bin"));
        Files.copy(Path.of("bin", "mailtidy"), installed.resolve("bin/mailtidy"));
        Files.setPosixFilePermissions(installed.resolve("bin/mailtidy"), PosixFilePermissions.fromString("rwxr-xr-x"));
        writeJar(installed.resolve("mailtidy.jar"));
        String user = server.newUser("launcher");
        server.appendAll(user, "INBOX", List.of(TestMessage.of("invoice 1"), TestMessage.of("hello")));
        config = Files.writeString(temp.resolve("mailtidy.yaml"), """
                version: 1
                accounts:
                  test:
                    host: 127.0.0.1
                    port: %d
                    tls: none
                    username: %s
                    password: %s
                rules:
                  - name: flag-invoices
                    match: {subject: invoice}
                    add_flags: [\\Flagged]
                """.formatted(server.port(), user, GreenMailServer.password(user)));
    }

    @Test
    void theFirstOnceWritesTheArchiveAndLaterStartsMapItWithoutWritingItAgain() throws Exception {
        Result version = launcher(Map.of("MAILTIDY_JAVA_OPTS", "-Xlog:class+load=info"), "--version");
        assertThat(version.status()).as(version.out()).isZero();
        assertThat(version.out()).doesNotContain(FROM_ARCHIVE);
        assertThat(archives(installed)).as("--version alone writes no archive").isEmpty();

        Result first = launcher(Map.of(), "once", "-c", config.toString());
        assertThat(first.status()).as(first.out()).isZero();
        assertThat(first.out()).contains("test INBOX: ok, 2 messages");
        Path archive = onlyArchive(installed);
        FileTime written = Files.getLastModifiedTime(archive);
        assertThat(archive.getFileName().toString()).endsWith("-" + Files.size(archive) + ".jsa");

        Result second = launcher(Map.of("MAILTIDY_JAVA_OPTS", "-Xlog:class+load=info"), "once", "-c", config.toString());
        assertThat(second.status()).as(second.out()).isZero();
        assertThat(second.out()).contains(FROM_ARCHIVE).contains("test INBOX: ok, 2 messages");
        // A password account over plain IMAP needs no TLS: the OAuth2 HTTP client is made on first use.
        assertThat(second.out()).doesNotContain("sun.security.ssl.SSLContextImpl");
        assertThat(launcher(Map.of("MAILTIDY_JAVA_OPTS", "-Xlog:class+load=info"), "check", "-c", config.toString())
                .out()).contains(FROM_ARCHIVE);
        assertThat(onlyArchive(installed)).isEqualTo(archive);
        assertThat(Files.getLastModifiedTime(archive)).isEqualTo(written);
        assertThat(Files.list(installed).map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".partial"));
    }

    @Test
    void versionPrintsOnlyTheVersionWithOrWithoutAUsableArchive() throws Exception {
        assertVersionOnly("no archive yet");
        launcher(Map.of(), "once", "-c", config.toString());
        Path archive = onlyArchive(installed);
        assertVersionOnly("with the archive");

        // An archive of another jar, under this jar's name: the JVM refuses it (with a warning, muted).
        Path other = temp.resolve("other");
        Files.createDirectories(other.resolve("bin"));
        Files.copy(installed.resolve("bin/mailtidy"), other.resolve("bin/mailtidy"), StandardCopyOption.COPY_ATTRIBUTES);
        writeJar(other.resolve("mailtidy.jar"));
        assertThat(launcher(other, Map.of(), "once", "-c", config.toString()).status()).isZero();
        Path foreign = onlyArchive(other);
        Files.delete(archive);
        Path disguised = installed.resolve(archive.getFileName().toString().replaceFirst("-\\d+\\.jsa$",
                "-" + Files.size(foreign) + ".jsa"));
        Files.copy(foreign, disguised);
        assertVersionOnly("with another jar's archive");
        assertThat(launcher(Map.of("MAILTIDY_JAVA_OPTS", "-Xlog:class+load=info"), "--version").out())
                .doesNotContain(FROM_ARCHIVE);
    }

    @Test
    void aDamagedArchiveIsNotUsedAndTheNextOnceReplacesIt() throws Exception {
        launcher(Map.of(), "once", "-c", config.toString());
        Path archive = onlyArchive(installed);
        byte[] whole = Files.readAllBytes(archive);
        archive.toFile().setWritable(true);

        // Same size and header, damaged inside: the JVM's checksum (-XX:+VerifySharedSpaces) refuses it.
        byte[] damaged = whole.clone();
        Arrays.fill(damaged, damaged.length / 2, damaged.length / 2 + 4096, (byte) 0x5a);
        Files.write(archive, damaged);
        assertVersionOnly("damaged inside");
        Result run = launcher(Map.of("MAILTIDY_JAVA_OPTS", "-Xlog:class+load=info"), "once", "-c", config.toString());
        assertThat(run.status()).as(run.out()).isZero();
        assertThat(run.out()).doesNotContain(FROM_ARCHIVE);

        // Cut short (a full disk, a half copy): the JVM would crash mapping it, so the launcher skips it.
        Files.write(archive, Arrays.copyOf(whole, whole.length / 2));
        assertVersionOnly("cut short");
        Result rewrite = launcher(Map.of(), "once", "-c", config.toString());
        assertThat(rewrite.status()).as(rewrite.out()).isZero();
        Path replaced = onlyArchive(installed);
        assertThat(Files.size(replaced)).isGreaterThan(whole.length / 2);
        assertThat(launcher(Map.of("MAILTIDY_JAVA_OPTS", "-Xlog:class+load=info"), "--version").out())
                .contains(FROM_ARCHIVE);

        // Not an archive at all.
        Files.writeString(replaced, "x".repeat((int) Files.size(replaced)));
        assertVersionOnly("not an archive");
    }

    @Test
    void withNoWritablePlaceForTheArchiveTheCommandStillWorks() throws Exception {
        Path file = Files.writeString(temp.resolve("a-file"), "");
        Map<String, String> env = Map.of("MAILTIDY_CDS_DIR", file.resolve("cds").toString());
        Result once = launcher(env, "once", "-c", config.toString());
        assertThat(once.status()).as(once.out()).isZero();
        assertThat(once.out()).contains("test INBOX: ok, 2 messages").doesNotContainIgnoringCase("warning");
        assertThat(archives(installed)).isEmpty();
        assertThat(launcher(env, "--version").out()).startsWith("mailtidy ").doesNotContainIgnoringCase("warning");
    }

    @Test
    void aReadOnlyInstallationKeepsItsArchiveInTheUsersCache() throws Exception {
        Path cache = temp.resolve("cache");
        Files.setPosixFilePermissions(installed, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            Result once = launcher(Map.of("XDG_CACHE_HOME", cache.toString()), "once", "-c", config.toString());
            assertThat(once.status()).as(once.out()).isZero();
            // root may write anywhere: then the archive goes next to the jar, as for a writable /opt.
            Path expected = Files.isWritable(installed) ? installed : cache.resolve("mailtidy");
            assertThat(onlyArchive(expected)).exists();
            assertThat(launcher(Map.of("XDG_CACHE_HOME", cache.toString(), "MAILTIDY_JAVA_OPTS",
                    "-Xlog:class+load=info"), "--version").out()).contains(FROM_ARCHIVE);
        } finally {
            Files.setPosixFilePermissions(installed, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void shortCommandsGetC1AndTheSerialCollectorOnceAndTheDaemonKeepC2AndUserOptionsWin() throws Exception {
        assertThat(flag(Map.of(), "check", "TieredStopAtLevel")).isEqualTo("1");
        assertThat(flag(Map.of(), "check", "UseSerialGC")).isEqualTo("true");
        assertThat(flag(Map.of(), "once", "TieredStopAtLevel")).isEqualTo("4");
        assertThat(flag(Map.of(), "once", "UseSerialGC")).isEqualTo("true");
        assertThat(flag(Map.of(), "run", "TieredStopAtLevel")).isEqualTo("4");
        assertThat(flag(Map.of("MAILTIDY_JAVA_OPTS", "-XX:TieredStopAtLevel=4"), "check", "TieredStopAtLevel"))
                .isEqualTo("4");
        assertThat(flag(Map.of("MAILTIDY_JAVA_OPTS", "-XX:TieredStopAtLevel=1"), "once", "TieredStopAtLevel"))
                .isEqualTo("1");
    }

    /** The value of a JVM flag as the launcher sets it for a command (here run on a missing file: exit 2). */
    private String flag(Map<String, String> env, String command, String name) throws Exception {
        Map<String, String> withPrint = new HashMap<>(env);
        withPrint.merge("MAILTIDY_JAVA_OPTS", "-XX:+PrintFlagsFinal", (a, b) -> a + " " + b);
        Result r = launcher(withPrint, command, "-c", temp.resolve("missing.yaml").toString());
        assertThat(r.status()).as(r.out()).isEqualTo(2);
        return r.out().lines().map(String::trim).map(l -> l.split("\\s+")).filter(f -> f.length > 3 && f[1].equals(name))
                .map(f -> f[3]).findFirst().orElseThrow(() -> new AssertionError(name + " not in " + r.out()));
    }

    /** {@code --version} prints its two lines and nothing else: no JVM warning about the archive. */
    private void assertVersionOnly(String situation) throws Exception {
        Result r = launcher(Map.of(), "--version");
        assertThat(r.status()).as(situation + ": " + r.out()).isZero();
        assertThat(r.out()).as(situation).matches("mailtidy \\S+\\RJava \\S+\\R");
    }

    private Result launcher(Map<String, String> env, String... args) throws Exception {
        return launcher(installed, env, args);
    }

    private Result launcher(Path layout, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(layout.resolve("bin/mailtidy").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> environment = pb.environment();
        environment.keySet().removeAll(List.of("MAILTIDY_CONFIG", "MAILTIDY_JAVA_OPTS", "MAILTIDY_CDS_DIR"));
        environment.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + environment.get("PATH"));
        environment.put("XDG_CACHE_HOME", temp.resolve("default-cache").toString());
        environment.putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    private static List<Path> archives(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jsa")).collect(Collectors.toList());
        }
    }

    private static Path onlyArchive(Path dir) throws IOException {
        List<Path> found = archives(dir);
        assertThat(found).as("archives in " + dir).hasSize(1);
        return found.get(0);
    }

    /**
     * mailtidy.jar as the build makes it, but thin: the compiled classes, and the dependencies through
     * the manifest's Class-Path (CDS archives classes from jars only, not from directories).
     */
    private static void writeJar(Path jar) throws Exception {
        Path classes = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> e.endsWith(".jar")).map(e -> Path.of(e).toUri().toString())
                .collect(Collectors.joining(" "));
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Main.class.getName());
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest);
                Stream<Path> tree = Files.walk(classes)) {
            for (Path p : (Iterable<Path>) tree.filter(Files::isRegularFile).sorted()::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                Files.copy(p, out);
                out.closeEntry();
            }
        }
    }
}
