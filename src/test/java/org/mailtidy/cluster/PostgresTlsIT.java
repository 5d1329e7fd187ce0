package org.mailtidy.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailtidy.testsupport.Postgres;

/**
 * {@code cluster.jdbc_url} with {@code sslmode=verify-full} (docs/deployment.md): the private
 * PostgreSQL serves a certificate of a CA made here, and mailtidy's connection is encrypted and
 * verified, for its own claims and Quartz's pool alike; a certificate of another CA is refused.
 */
@Tag("postgres")
class PostgresTlsIT {
    @TempDir
    Path dir;

    private final Postgres postgres = Postgres.get();

    @AfterEach
    void plainAgain() {
        postgres.tls(null, null);
    }

    @Test
    void verifyFullConnectsEncryptedToTheRightServerAndRefusesAnotherCa() throws Exception {
        Path ca = certificateAuthority("ca");
        Path otherCa = certificateAuthority("other");
        serverCertificate("ca");
        postgres.tls(dir.resolve("server.crt"), dir.resolve("server.key"));
        String url = postgres.newDatabase("tls") + "?sslmode=verify-full&sslrootcert=";

        ClusterDatabase db = new ClusterDatabase(url + ca, Postgres.USER, Postgres.PASSWORD);
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
            rs.next();
            assertThat(rs.getBoolean(1)).as("the session is encrypted").isTrue();
            assertThat(rs.getString(2)).startsWith("TLSv1.");
        }
        assertThat(QuartzSchema.ensure(db)).isEqualTo(QuartzSchema.Outcome.CREATED);
        assertThat(db.urlWithTimeouts()).contains("sslmode=verify-full");

        ClusterDatabase impostor = new ClusterDatabase(url + otherCa, Postgres.USER, Postgres.PASSWORD);
        assertThatThrownBy(impostor::connect).isInstanceOf(SQLException.class)
                .hasMessageContaining("SSL error");
    }

    private Path certificateAuthority(String name) throws Exception {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", dir.resolve(name + ".key").toString(), "-out", dir.resolve(name + ".crt").toString(),
                "-days", "2", "-subj", "/CN=mailtidy test " + name, "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        return dir.resolve(name + ".crt");
    }

    private void serverCertificate(String ca) throws Exception {
        Path ext = Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                + "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n");
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                dir.resolve("server.key").toString(), "-out", dir.resolve("server.csr").toString(), "-subj",
                "/CN=localhost");
        openssl("x509", "-req", "-in", dir.resolve("server.csr").toString(), "-CA", dir.resolve(ca + ".crt").toString(),
                "-CAkey", dir.resolve(ca + ".key").toString(), "-CAcreateserial", "-out",
                dir.resolve("server.crt").toString(), "-days", "2", "-extfile", ext.toString());
    }

    private void openssl(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }
}
