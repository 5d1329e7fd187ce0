package org.mailtidy.schedule;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
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
 * callback compares the file's content, so changes to other files in the directory cost nothing.
 */
final class ConfigWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigWatcher.class);

    private final WatchService watch;
    private final Thread thread;

    private ConfigWatcher(WatchService watch, Duration debounce, Runnable onChange) {
        this.watch = watch;
        this.thread = new Thread(() -> loop(debounce, onChange), "config-watch");
        thread.setDaemon(true);
    }

    static ConfigWatcher start(Path file, Duration debounce, Runnable onChange) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        WatchService watch = FileSystems.getDefault().newWatchService();
        dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        ConfigWatcher w = new ConfigWatcher(watch, debounce, onChange);
        w.thread.start();
        LOG.debug("watching {} for changes of {}", dir, file.getFileName());
        return w;
    }

    private void loop(Duration debounce, Runnable onChange) {
        try {
            while (true) {
                drain(watch.take());
                WatchKey more;
                while ((more = watch.poll(debounce.toMillis(), TimeUnit.MILLISECONDS)) != null) {
                    drain(more);
                }
                onChange.run();
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            LOG.debug("stopped watching the configuration");
        }
    }

    private static void drain(WatchKey key) {
        key.pollEvents();
        key.reset();
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
