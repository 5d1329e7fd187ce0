package org.mailtidy.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.LayoutBase;

/**
 * Lines for journald's stream: each line starts with the syslog priority in angle brackets
 * ({@code <3>} error, {@code <4>} warning, {@code <6>} info, {@code <7>} debug), which journald
 * strips and records (sd-daemon(3), SyslogLevelPrefix=), so {@code journalctl -p err} works. Every
 * line of a multi-line event (a stack trace at debug) gets the event's priority, since journald
 * reads the prefix per line.
 */
final class JournalLayout extends LayoutBase<ILoggingEvent> {
    private final PatternLayout inner;

    JournalLayout(PatternLayout inner) {
        this.inner = inner;
    }

    static String priority(Level level) {
        return switch (level.toInt()) {
            case Level.ERROR_INT -> "<3>";
            case Level.WARN_INT -> "<4>";
            case Level.INFO_INT -> "<6>";
            default -> "<7>";
        };
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        String text = inner.doLayout(event);
        String prefix = priority(event.getLevel());
        StringBuilder out = new StringBuilder(text.length() + 8);
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            int next = end < 0 ? text.length() : end + 1;
            out.append(prefix).append(text, start, next);
            start = next;
        }
        if (end(out) != '\n') {
            out.append('\n');
        }
        return out.toString();
    }

    private static char end(StringBuilder s) {
        return s.length() == 0 ? '\n' : s.charAt(s.length() - 1);
    }

    @Override
    public void start() {
        inner.start();
        super.start();
    }
}
