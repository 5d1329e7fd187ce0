package org.mailtidy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailtidy.imap.ImapLogging;
import org.mailtidy.testsupport.Dovecot;
import org.mailtidy.testsupport.FaultProxy;
import org.mailtidy.testsupport.GreenMailServer;
import org.mailtidy.testsupport.TestMessage;
import picocli.CommandLine;

/**
 * Every way a secret enters mailtidy (password, password_file, password_command, an XOAUTH2 token
 * from password_command), every way a login fails (wrong password, failing password_command, a
 * STARTTLS downgrade), at log level TRACE with the IMAP protocol trace on: no secret, nor its SASL
 * base64 form, appears in any log event, exception, {@code check} or {@code once} output.
 */
@Tag("dovecot")
class SecretsNeverShownIT {
    private static final Dovecot DOVECOT = Dovecot.get();

    private static String secret(String kind) {
        return kind + "-" + UUID.randomUUID().toString().substring(0, 8) + "-Zq";
    }

    @Test
    void noSecretInLogsOutputOrErrors(@TempDir Path dir) throws Exception {
        String literal = secret("Lit");
        String fromFile = secret("File");
        String fromCommand = secret("Cmd");
        String wrong = secret("Wrong");
        String failingOutput = secret("Fail");
        String userLit = DOVECOT.newUser("sec-lit");
        DOVECOT.addUser(userLit, literal);
        String userFile = DOVECOT.newUser("sec-file");
        DOVECOT.addUser(userFile, fromFile);
        String userCmd = DOVECOT.newUser("sec-cmd");
        DOVECOT.addUser(userCmd, fromCommand);
        for (String u : List.of(userLit, userFile, userCmd)) {
            DOVECOT.writeMaildir(u, "INBOX", List.of(TestMessage.of("hello")));
        }
        Path pwFile = write(dir, "pw", fromFile + "\n", "rw-r--r--");
        Path cmdFile = write(dir, "cmd", fromCommand + "\n", "rw-------");
        Path failFile = write(dir, "fail", failingOutput + "\n", "rw-------");

        try (GreenMailServer greenMail = GreenMailServer.start();
             FaultProxy downgrade = FaultProxy.to(DOVECOT.host(), DOVECOT.imapPort())) {
            downgrade.stripStartTls();
            String gmUser = greenMail.newUser("sec-xo");
            String token = GreenMailServer.password(gmUser);
            greenMail.append(gmUser, "INBOX", TestMessage.of("hello"));
            Path tokenFile = write(dir, "token", token + "\n", "rw-------");
            String d = "host: 127.0.0.1, port: " + DOVECOT.imapPort() + ", tls: none, read_timeout: 5s";
            Path config = dir.resolve("mailtidy.yaml");
            Files.writeString(config, """
                    version: 1
                    accounts:
                      lit: {%1$s, username: %2$s, password: '%3$s'}
                      file: {%1$s, username: %4$s, password_file: %5$s}
                      cmd: {%1$s, username: %6$s, password_command: [cat, %7$s]}
                      wrong: {%1$s, username: %2$s, password: '%8$s'}
                      failcmd: {%1$s, username: %2$s, password_command: [sh, -c, 'cat %9$s; exit 1']}
                      xo: {host: 127.0.0.1, port: %10$d, tls: none, username: %11$s, auth: xoauth2,
                           password_command: [cat, %12$s]}
                      downgrade: {host: 127.0.0.1, port: %13$d, tls: starttls, ca_file: %14$s, username: %2$s,
                                  password: '%3$s'}
                    rules:
                    """.formatted(d, userLit, literal, userFile, pwFile, userCmd, cmdFile, wrong, failFile,
                    greenMail.port(), gmUser, tokenFile, downgrade.port(), DOVECOT.caFile())
                    + rules("lit", "file", "cmd", "wrong", "failcmd", "xo", "downgrade"));

            List<ILoggingEvent> events = new ArrayList<>();
            Result check;
            Result once;
            try (LogCapture capture = new LogCapture(events)) {
                check = run("check", "-c", config.toString());
                once = run("once", "-c", config.toString());
            }

            assertThat(check.status).isZero();
            assertThat(once.status).as(once.out + once.err).isEqualTo(ExitCodes.RUN_FAILED);
            assertThat(once.out).contains("lit INBOX").contains("file INBOX").contains("cmd INBOX")
                    .contains("xo INBOX")
                    .contains("wrong *: FAILED: login to " + userLit)
                    .contains("failcmd *: FAILED: cannot get the secret for " + userLit + "@127.0.0.1:"
                            + DOVECOT.imapPort() + ": password_command [sh, -c, cat " + failFile
                            + "; exit 1] failed with exit status 1")
                    .contains("downgrade *: FAILED: STARTTLS");
            assertThat(greenMail.fetch(gmUser, "INBOX")).as("xoauth2 with the token from password_command")
                    .singleElement().satisfies(m -> assertThat(m.flags()).contains("Touched"));
            for (String u : List.of(userLit, userFile, userCmd)) {
                assertThat(DOVECOT.fetch(u, "INBOX")).singleElement()
                        .satisfies(m -> assertThat(m.flags()).contains("Touched"));
            }
            assertThat(downgrade.commands()).as("nothing sent in plaintext after STARTTLS went missing")
                    .noneMatch(c -> c.matches("(?i)\\S+ (LOGIN|AUTHENTICATE).*"));
            String logs = render(events);
            assertThat(logs).contains("password file " + pwFile + " is readable by group or others")
                    .contains("UID STORE 1 (UNCHANGEDSINCE").contains("UID STORE 1 +FLAGS.SILENT (Touched)");

            List<String> forbidden = new ArrayList<>(List.of(literal, fromFile, fromCommand, wrong, failingOutput,
                    token));
            forbidden.add(b64("\0" + userLit + "\0" + literal));
            forbidden.add(b64("\0" + userFile + "\0" + fromFile));
            forbidden.add(b64("\0" + userCmd + "\0" + fromCommand));
            forbidden.add(b64("\0" + userLit + "\0" + wrong));
            forbidden.add(b64("user=" + gmUser + "\u0001auth=Bearer " + token + "\u0001\u0001"));
            for (String text : List.of(logs, check.out, check.err, once.out, once.err)) {
                for (String secret : forbidden) {
                    assertThat(text).doesNotContain(secret);
                }
            }
        }
    }

    private static String rules(String... accounts) {
        StringBuilder sb = new StringBuilder();
        for (String a : accounts) {
            sb.append("  - {name: touch-").append(a).append(", account: ").append(a)
                    .append(", match: {all_messages: true}, add_flags: [Touched]}\n");
        }
        return sb.toString();
    }

    private static Path write(Path dir, String name, String text, String permissions) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(permissions));
        return p;
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private record Result(int status, String out, String err) {
    }

    private static Result run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int status = cl.execute(args);
        return new Result(status, out.toString(), err.toString());
    }

    /** Every event's message, and the messages of its exception and causes. */
    private static String render(List<ILoggingEvent> events) {
        StringBuilder sb = new StringBuilder();
        for (ILoggingEvent e : events) {
            sb.append(e.getLevel()).append(' ').append(e.getLoggerName()).append(": ").append(e.getFormattedMessage())
                    .append('\n');
            for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                sb.append("  ").append(t.getClassName()).append(": ").append(t.getMessage()).append('\n');
            }
        }
        return sb.toString();
    }

    /** Root and protocol loggers at TRACE into a list, restored on close. */
    private static final class LogCapture implements AutoCloseable {
        private final Logger root = (Logger) org.slf4j.LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        private final Logger protocol = (Logger) org.slf4j.LoggerFactory.getLogger("org.eclipse.angus.mail.imap.protocol");
        private final Level rootBefore = root.getLevel();
        private final Level protocolBefore = protocol.getLevel();
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
        private final List<ILoggingEvent> into;

        LogCapture(List<ILoggingEvent> into) {
            this.into = into;
            appender.start();
            root.addAppender(appender);
            root.setLevel(Level.TRACE);
            protocol.setLevel(Level.TRACE);
            ImapLogging.install();
        }

        @Override
        public void close() {
            root.detachAppender(appender);
            root.setLevel(rootBefore);
            protocol.setLevel(protocolBefore);
            ImapLogging.install();
            into.addAll(appender.list);
        }
    }
}
