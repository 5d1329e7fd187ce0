package org.mailtidy.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code systemd/mailtidy.service}: valid for systemd, and in step with the daemon's timings. */
class SystemdUnitTest {
    private static final Path UNIT = Path.of("systemd", "mailtidy.service");

    @Test
    void systemdAcceptsTheUnitWithoutAnyComplaint() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")), "systemd-analyze is not installed");
        assertThat(run("systemd-analyze", "verify", UNIT.toString())).isEmpty();
        // verify does not report ignored assignments (an unquoted Environment= with spaces); security does.
        String security = run("systemd-analyze", "security", "--offline=true", UNIT.toString());
        assertThat(security).doesNotContainIgnoringCase("ignoring").doesNotContainIgnoringCase("invalid")
                .contains("Overall exposure level");
    }

    @Test
    void systemdWaitsLongerThanTheStopGraceAndReloadsWithSighup() throws Exception {
        List<String> lines = Files.readAllLines(UNIT, StandardCharsets.UTF_8);
        assertThat(lines).contains("TimeoutStopSec=30s", "ExecReload=/bin/kill -HUP $MAINPID", "Type=simple",
                "Restart=on-failure", "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes",
                "PrivateTmp=yes", "StateDirectory=mailtidy", "User=mailtidy");
        assertThat(DaemonOptions.defaults().stopGrace()).isLessThan(Duration.ofSeconds(30).minusSeconds(15))
                .as("SIGTERM exits within 10 s: the grace, then closing the sockets").isLessThan(Duration.ofSeconds(10));
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.strip();
    }
}
