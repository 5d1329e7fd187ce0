package org.mailtidy.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code .deb} that {@code mvn package} makes, installed for real on this machine with dpkg, used
 * as an admin would (as the {@code mailtidy} user), removed and purged. Needs root, as dpkg does;
 * CI runs as root. It changes the machine, so it first purges any mailtidy package left behind.
 */
class DebianPackageIT {
    private static Path deb;

    @BeforeAll
    static void installThePackage() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "installing a .deb needs root");
        try (Stream<Path> debs = Files.list(Path.of("target"))) {
            deb = debs.filter(p -> p.getFileName().toString().matches("mailtidy_.*_all\\.deb")).findFirst()
                    .orElseThrow(() -> new AssertionError("mvn package made no target/mailtidy_*_all.deb"));
        }
        run(List.of("dpkg", "--purge", "mailtidy"));
        Result install = run(List.of("dpkg", "-i", deb.toString()));
        assertThat(install.status()).as(install.output()).isZero();
        assertThat(install.output()).contains("edit /etc/mailtidy/mailtidy.yaml");
    }

    @AfterAll
    static void purge() throws Exception {
        if (deb != null) {
            run(List.of("dpkg", "--purge", "mailtidy"));
        }
    }

    @Test
    void lintianFindsNothing() throws Exception {
        Result lintian = run(List.of("lintian", "--allow-root", "--tag-display-limit", "0", deb.toString()));
        assertThat(lintian.output().lines().filter(l -> l.matches("^[EWIX]: .*"))).as(lintian.output()).isEmpty();
        assertThat(lintian.status()).as(lintian.output()).isZero();
    }

    @Test
    void theServiceUserRunsTheCommandAndChecksTheSampleConfiguration() throws Exception {
        Result version = asServiceUser("mailtidy", "--version");
        assertThat(version.status()).as(version.output()).isZero();
        assertThat(version.output()).startsWith("mailtidy ");

        Result check = asServiceUser("mailtidy", "check", "--no-secrets", "-c", "/etc/mailtidy/mailtidy.yaml");
        assertThat(check.status()).as(check.output()).isZero();
        assertThat(check.output()).contains("not checked");
    }

    @Test
    void filesUsersAndPermissionsAreWhereAnAdminExpectsThem() throws Exception {
        assertThat(Files.readSymbolicLink(Path.of("/usr/bin/mailtidy"))).isEqualTo(Path.of("../share/mailtidy/bin/mailtidy"));
        assertThat(Path.of("/usr/share/mailtidy/mailtidy.jar")).isRegularFile();
        assertThat(Path.of("/usr/share/man/man1/mailtidy.1.gz")).isRegularFile();
        assertThat(run(List.of("getent", "passwd", "mailtidy")).output()).contains("/var/lib/mailtidy")
                .contains("/usr/sbin/nologin");

        PosixFileAttributes state = Files.readAttributes(Path.of("/var/lib/mailtidy"), PosixFileAttributes.class);
        assertThat(state.owner().getName()).isEqualTo("mailtidy");
        assertThat(PosixFilePermissions.toString(state.permissions())).isEqualTo("rwxr-x---");
        PosixFileAttributes config = Files.readAttributes(Path.of("/etc/mailtidy/mailtidy.yaml"), PosixFileAttributes.class);
        assertThat(config.owner().getName()).isEqualTo("root");
        assertThat(config.group().getName()).isEqualTo("mailtidy");
        assertThat(PosixFilePermissions.toString(config.permissions())).isEqualTo("rw-r-----");
        assertThat(run(List.of("dpkg-query", "-W", "-f=${Conffiles}", "mailtidy")).output())
                .contains("/etc/mailtidy/mailtidy.yaml");
    }

    @Test
    void systemdAcceptsTheInstalledUnitAndBashCompletesTheCommands() throws Exception {
        Result verify = run(List.of("systemd-analyze", "verify", "/lib/systemd/system/mailtidy.service"));
        assertThat(verify.status()).as(verify.output()).isZero();
        assertThat(verify.output()).isEmpty();

        Result completion = run(List.of("bash", "-c",
                "source /usr/share/bash-completion/completions/mailtidy && complete -p mailtidy"));
        assertThat(completion.status()).as(completion.output()).isZero();
        assertThat(completion.output()).contains("mailtidy");
    }

    @Test
    void removeKeepsConfigurationAndStateAndPurgeLeavesNothing() throws Exception {
        List<String> files = packageFiles();
        Path marker = Path.of("/var/lib/mailtidy/audit.jsonl");
        Files.writeString(marker, "{}\n");

        assertThat(run(List.of("dpkg", "-r", "mailtidy")).status()).isZero();
        assertThat(Path.of("/etc/mailtidy/mailtidy.yaml")).exists();
        assertThat(marker).exists();
        assertThat(Path.of("/usr/share/mailtidy/mailtidy.jar")).doesNotExist();

        assertThat(run(List.of("dpkg", "--purge", "mailtidy")).status()).isZero();
        for (String f : files) {
            Path p = Path.of(f);
            if (!Files.isDirectory(p) || f.contains("mailtidy")) {
                assertThat(p).as("left after purge").doesNotExist();
            }
        }
        assertThat(Path.of("/etc/mailtidy")).doesNotExist();
        assertThat(Path.of("/var/lib/mailtidy")).doesNotExist();
        assertThat(run(List.of("getent", "passwd", "mailtidy")).status()).isNotZero();

        // the other tests may still need it: put it back for them
        assertThat(run(List.of("dpkg", "-i", deb.toString())).status()).isZero();
    }

    private static List<String> packageFiles() throws Exception {
        List<String> files = new ArrayList<>();
        for (String line : run(List.of("dpkg", "-L", "mailtidy")).output().split("\n")) {
            if (line.startsWith("/") && !line.equals("/.")) {
                files.add(line.strip());
            }
        }
        return files;
    }

    private static Result asServiceUser(String... command) throws Exception {
        List<String> argv = new ArrayList<>(List.of("runuser", "-u", "mailtidy", "--"));
        argv.addAll(List.of(command));
        return run(argv);
    }

    private record Result(int status, String output) {
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        pb.environment().remove("MAILTIDY_CONFIG");
        pb.environment().remove("MAILTIDY_STATE_DIR");
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        return new Result(p.exitValue(), out.strip());
    }
}
