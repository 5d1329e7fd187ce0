package org.mailtidy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BuiltInLoggingTest {
    private Properties saved;

    @BeforeEach
    void saveProperties() {
        saved = (Properties) System.getProperties().clone();
    }

    @AfterEach
    void restoreProperties() {
        System.setProperties(saved);
    }

    @Test
    void configuresStandardErrorWithTheLevelsLogSetupChose() {
        System.clearProperty("logback.configurationFile");
        System.setProperty("mailtidy.log.level", "DEBUG");
        System.setProperty("mailtidy.log.angus", "TRACE");
        System.setProperty("mailtidy.log.pattern", "%-5level %logger{0}: %msg%n");
        LoggerContext context = new LoggerContext();

        Configurator.ExecutionStatus status = new BuiltInLogging().configure(context);

        assertThat(status).isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.DEBUG);
        assertThat(context.getLogger("org.eclipse.angus.mail.imap").getEffectiveLevel()).isEqualTo(Level.TRACE);
        assertThat(context.getLogger("org.quartz").getLevel()).isEqualTo(Level.WARN);
        // their debug output shows cluster.jdbc_url verbatim, and a JDBC URL may carry a password
        assertThat(context.getLogger("com.zaxxer.hikari.HikariConfig").getEffectiveLevel()).isEqualTo(Level.INFO);
        assertThat(context.getLogger("org.postgresql.Driver").getEffectiveLevel()).isEqualTo(Level.INFO);
        ConsoleAppender<?> stderr = (ConsoleAppender<?>) root.getAppender("STDERR");
        assertThat(stderr.getTarget()).isEqualTo("System.err");
        assertThat(((PatternLayoutEncoder) stderr.getEncoder()).getPattern()).isEqualTo("%-5level %logger{0}: %msg%n");
        assertThat(context.getCopyOfListenerList()).hasSize(1);
    }

    @Test
    void defaultsToInfoWarnAndTimestampedLines() {
        System.clearProperty("logback.configurationFile");
        System.clearProperty("mailtidy.log.level");
        System.clearProperty("mailtidy.log.angus");
        System.clearProperty("mailtidy.log.pattern");
        LoggerContext context = new LoggerContext();

        new BuiltInLogging().configure(context);

        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.INFO);
        assertThat(context.getLogger("org.eclipse.angus.mail").getLevel()).isEqualTo(Level.WARN);
        ConsoleAppender<?> stderr = (ConsoleAppender<?>) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR");
        assertThat(((PatternLayoutEncoder) stderr.getEncoder()).getPattern()).isEqualTo(BuiltInLogging.DEFAULT_PATTERN);
    }

    @Test
    void leavesAConfigurationFileToLogback() {
        System.setProperty("logback.configurationFile", "/etc/mailtidy/logback.xml");
        LoggerContext context = new LoggerContext();

        Configurator.ExecutionStatus status = new BuiltInLogging().configure(context);

        assertThat(status).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR")).isNull();
    }

    @Test
    void underJournaldEveryLineCarriesItsSyslogPriority() {
        System.clearProperty("logback.configurationFile");
        System.setProperty("mailtidy.log.level", "DEBUG");
        System.setProperty("mailtidy.log.pattern", "%-5level %logger{0}: %msg%n");
        System.setProperty("mailtidy.log.journald", "true");
        LoggerContext context = new LoggerContext();
        new BuiltInLogging().configure(context);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        @SuppressWarnings("unchecked")
        Encoder<ILoggingEvent> encoder = ((ConsoleAppender<ILoggingEvent>) root.getAppender("STDERR")).getEncoder();
        Logger log = context.getLogger("org.mailtidy.engine.MailboxRun");

        assertThat(line(encoder, log, Level.ERROR, "a\nb")).isEqualTo("<3>ERROR MailboxRun: a\n<3>b\n");
        assertThat(line(encoder, log, Level.WARN, "w")).isEqualTo("<4>WARN  MailboxRun: w\n");
        assertThat(line(encoder, log, Level.INFO, "i")).isEqualTo("<6>INFO  MailboxRun: i\n");
        assertThat(line(encoder, log, Level.DEBUG, "d")).isEqualTo("<7>DEBUG MailboxRun: d\n");
    }

    @Test
    void logSetupTurnsThePrefixesOnOnlyUnderJournald() {
        LogSetup.beforeLogging("info", false);
        assertThat(Boolean.getBoolean("mailtidy.log.journald")).isFalse();
        LogSetup.beforeLogging("info", true);
        assertThat(Boolean.getBoolean("mailtidy.log.journald")).isTrue();
    }

    private static String line(Encoder<ILoggingEvent> encoder, Logger logger, Level level, String message) {
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, level, message, null, null);
        return new String(encoder.encode(event), StandardCharsets.UTF_8);
    }
}
