package org.mailtidy.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.mailtidy.engine.Progress;

/**
 * {@code once}'s progress line on standard error: a phase of a mailbox run that has lasted
 * {@link #AFTER} or longer is shown as one line that is redrawn in place ({@code personal INBOX:
 * reading 100,000 messages ... 4 s}), and cleared when the phase ends. With several accounts running
 * at once the longest phase is shown and the others counted. Only on a terminal: piped or logged
 * output never gets it.
 */
final class TerminalProgress implements Progress, AutoCloseable {
    static final Duration AFTER = Duration.ofSeconds(2);
    private static final String CLEAR_LINE = "\u001b[K";

    private record Phase(String label, long startedNanos, long done, long total) {
        Phase step(long d, long t) {
            return new Phase(label, startedNanos, d, t);
        }
    }

    private final PrintStream out;
    private final LongSupplier nanos;
    private final Map<Thread, Phase> phases = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticker;
    private boolean shown;

    TerminalProgress(PrintStream out, LongSupplier nanos, boolean tick) {
        this.out = out;
        this.nanos = nanos;
        this.ticker = tick ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "progress");
            t.setDaemon(true);
            return t;
        }) : null;
        if (ticker != null) {
            ticker.scheduleAtFixedRate(this::render, 250, 250, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * A progress line on standard error if it is a terminal ({@code -Dmailtidy.progress=always} or
     * {@code never} decide instead), else none.
     */
    static Optional<TerminalProgress> forStandardError() {
        String wanted = System.getProperty("mailtidy.progress", "auto");
        boolean on = wanted.equals("always") || (!wanted.equals("never") && standardErrorIsATerminal());
        return on ? Optional.of(new TerminalProgress(System.err, System::nanoTime, true)) : Optional.empty();
    }

    /** Linux: file descriptor 2 is a terminal device; TERM=dumb (an editor's shell) gets no redrawing. */
    static boolean standardErrorIsATerminal() {
        if ("dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    @Override
    public void phase(String account, String mailbox, String what) {
        phases.put(Thread.currentThread(), new Phase(account + " " + mailbox + ": " + what, nanos.getAsLong(), 0, 0));
    }

    @Override
    public void step(long done, long total) {
        phases.computeIfPresent(Thread.currentThread(), (t, p) -> p.step(done, total));
    }

    @Override
    public void idle() {
        phases.remove(Thread.currentThread());
    }

    /** Draws the longest phase that has lasted {@link #AFTER}, or clears the line when there is none. */
    synchronized void render() {
        long now = nanos.getAsLong();
        Optional<Phase> longest = phases.values().stream()
                .filter(p -> now - p.startedNanos() >= AFTER.toNanos())
                .min(Comparator.comparingLong(Phase::startedNanos));
        if (longest.isEmpty()) {
            clear();
            return;
        }
        Phase p = longest.get();
        StringBuilder line = new StringBuilder(CLEAR_LINE).append(p.label());
        if (p.total() > 0) {
            line.append(String.format(Locale.ROOT, " (%,d of %,d)", p.done(), p.total()));
        }
        line.append(" ... ").append((now - p.startedNanos()) / 1_000_000_000L).append(" s");
        int others = phases.size() - 1;
        if (others > 0) {
            line.append(" (and ").append(others).append(" more mailbox").append(others == 1 ? "" : "es")
                    .append(" running)");
        }
        // ends in CR, so a log line printed meanwhile starts at the left margin over it
        out.print(line.append('\r'));
        out.flush();
        shown = true;
    }

    private void clear() {
        if (shown) {
            out.print(CLEAR_LINE);
            out.flush();
            shown = false;
        }
    }

    @Override
    public synchronized void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
        phases.clear();
        clear();
    }
}
