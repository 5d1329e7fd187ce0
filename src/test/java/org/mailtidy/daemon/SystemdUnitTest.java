package org.mailtidy.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.mailtidy.schedule.DaemonOptions;

/** {@code systemd/mailtidy.service}: valid for systemd, and in step with the daemon's timings. */
class SystemdUnitTest {
    private static final Path UNIT = Path.of("systemd", "mailtidy.service");

    @Test
    void systemdAcceptsTheUnitWithoutAnyComplaint() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")), "systemd-analyze is not installed");
        // --man=no: the unit names mailtidy(1), which only the installed package provides (DebianPackageIT checks it)
        assertThat(run("systemd-analyze", "verify", "--man=no", UNIT.toString())).isEmpty();
        // verify does not report ignored assignments (an unquoted Environment= with spaces); security does.
        String security = run("systemd-analyze", "security", "--offline=true", UNIT.toString());
        assertThat(security).doesNotContainIgnoringCase("ignoring").doesNotContainIgnoringCase("invalid")
                .contains("Overall exposure level");
        Matcher exposure = Pattern.compile("Overall exposure level for mailtidy.service: ([0-9.]+)").matcher(security);
        assertThat(exposure.find()).as(security).isTrue();
        assertThat(Double.parseDouble(exposure.group(1))).as("systemd-analyze security exposure").isLessThanOrEqualTo(2.0);
    }

    @Test
    void aBadConfigurationIsNotRestartedForeverAndTheSandboxIsTight() throws Exception {
        List<String> lines = Files.readAllLines(UNIT, StandardCharsets.UTF_8);
        assertThat(lines).contains("RestartPreventExitStatus=2", "SystemCallFilter=@system-service",
                "ProtectProc=invisible", "ProcSubset=pid");
        assertThat(lines).as("the JIT needs writable executable memory").doesNotContain("MemoryDenyWriteExecute=yes");
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
