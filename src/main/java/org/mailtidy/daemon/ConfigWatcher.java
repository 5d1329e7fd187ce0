package org.mailtidy.daemon;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the configuration file's directory and calls back once a burst of changes has been
 * quiet for the debounce time. The directory, not the file, is watched: editors save by writing a
 * new file and renaming it over the old one, and a Kubernetes ConfigMap swaps a symbolic link; the
 * callback compares the file's content. Only events that name the file itself or a {@code ..}
 * entry (Kubernetes' {@code ..data} link and its timestamped directories) count, so a log or
 * audit file written next to the configuration many times a second neither triggers a reload
 * nor keeps one from settling.
 */
final class ConfigWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigWatcher.class);

    private final WatchService watch;
    private final Thread thread;

    private final Path fileName;

    private ConfigWatcher(WatchService watch, Path fileName, Duration debounce, Runnable onChange) {
        this.watch = watch;
        this.fileName = fileName;
        this.thread = new Thread(() -> loop(debounce, onChange), "config-watch");
        thread.setDaemon(true);
    }

    static ConfigWatcher start(Path file, Duration debounce, Runnable onChange) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        WatchService watch = FileSystems.getDefault().newWatchService();
        dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        ConfigWatcher w = new ConfigWatcher(watch, file.getFileName(), debounce, onChange);
        w.thread.start();
        LOG.debug("watching {} for changes of {}", dir, file.getFileName());
        return w;
    }

    private void loop(Duration debounce, Runnable onChange) {
        try {
            while (true) {
                while (!concernsTheFile(watch.take())) {
                    // another file in the directory
                }
                long quietUntil = System.nanoTime() + debounce.toNanos();
                long left;
                while ((left = quietUntil - System.nanoTime()) > 0) {
                    WatchKey more = watch.poll(left, TimeUnit.NANOSECONDS);
                    if (more != null && concernsTheFile(more)) {
                        quietUntil = System.nanoTime() + debounce.toNanos();
                    }
                }
                onChange.run();
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            LOG.debug("stopped watching the configuration");
        }
    }

    /** Drains the key; true if one of its events may have changed the file (or events were lost). */
    private boolean concernsTheFile(WatchKey key) {
        boolean relevant = false;
        for (WatchEvent<?> event : key.pollEvents()) {
            if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                relevant = true;
            } else if (event.context() instanceof Path name) {
                relevant |= name.equals(fileName) || name.toString().startsWith("..");
            }
        }
        key.reset();
        return relevant;
    }

    @Override
    public void close() {
        try {
            watch.close();
        } catch (IOException e) {
            LOG.debug("closing the watch service: {}", e.toString());
        }
    }
}
