package org.mailtidy.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The built-in logging setup: everything to standard error, journald-friendly (no timestamp when
 * {@link LogSetup} sets {@code mailtidy.log.pattern}; under journald each line carries its syslog
 * priority, {@link JournalLayout}), levels from the properties LogSetup sets.
 * Written in code rather than a logback.xml because Logback's XML configuration (Joran and a SAX
 * parser, some 470 classes) cost every start-up about 0.1 s of CPU (docs/performance.md). A file
 * given with {@code -Dlogback.configurationFile} still replaces it: Logback's own configurators
 * then run. Registered in {@code META-INF/services}.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class BuiltInLogging extends ContextAwareBase implements Configurator {
    static final String DEFAULT_PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{0}: %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        // Keeps java.util.logging levels in step, so Angus Mail's disabled JUL calls stay cheap.
        LevelChangePropagator julLevels = new LevelChangePropagator();
        julLevels.setContext(context);
        julLevels.setResetJUL(true);
        julLevels.start();
        context.addListener(julLevels);

        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder(context));
        stderr.start();

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(System.getProperty("mailtidy.log.level"), Level.INFO));
        root.addAppender(stderr);
        // Angus Mail's protocol trace contains message data: shown only with log level trace.
        context.getLogger("org.eclipse.angus.mail").setLevel(Level.toLevel(System.getProperty("mailtidy.log.angus"),
                Level.WARN));
        context.getLogger("org.quartz").setLevel(Level.WARN);
        // The clustered store's own account of take-overs and misfires.
        context.getLogger("org.quartz.impl.jdbcjobstore").setLevel(Level.INFO);
        context.getLogger("com.icegreen.greenmail").setLevel(Level.WARN);
        // At debug level HikariCP dumps its configuration and PgJDBC logs "Connecting with URL": both
        // show cluster.jdbc_url verbatim, and a JDBC URL may carry a password.
        context.getLogger("com.zaxxer.hikari").setLevel(Level.INFO);
        context.getLogger("org.postgresql").setLevel(Level.INFO);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static Encoder<ILoggingEvent> encoder(LoggerContext context) {
        String pattern = System.getProperty("mailtidy.log.pattern", DEFAULT_PATTERN);
        if (!Boolean.getBoolean("mailtidy.log.journald")) {
            PatternLayoutEncoder encoder = new PatternLayoutEncoder();
            encoder.setContext(context);
            encoder.setPattern(pattern);
            encoder.start();
            return encoder;
        }
        PatternLayout layout = new PatternLayout();
        layout.setContext(context);
        layout.setPattern(pattern);
        JournalLayout journal = new JournalLayout(layout);
        journal.setContext(context);
        journal.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(journal);
        encoder.start();
        return encoder;
    }
}
