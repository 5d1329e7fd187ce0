package org.mailtidy.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailtidy.testsupport.Await.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigWatcherTest {

    @TempDir
    Path dir;

    /** Lines the neighbour has written so far. */
    private final AtomicInteger written = new AtomicInteger();

    /** Writes the log file next to the configuration every 50 ms until stopped, as a daemon's log might. */
    private Thread noisyNeighbour(AtomicBoolean stop) {
        Thread t = new Thread(() -> {
            Path log = dir.resolve("node.log");
            while (!stop.get()) {
                try {
                    Files.writeString(log, "line " + written.incrementAndGet() + "\n",
                            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                    Thread.sleep(50); // the pace of a log being written, not a wait for anything
                } catch (Exception e) {
                    return;
                }
            }
        });
        t.start();
        return t;
    }

    @Test
    void aChangeOfTheFileIsReportedWhileAnotherFileInTheDirectoryKeepsChanging() throws Exception {
        Path config = Files.writeString(dir.resolve("mailtidy.yaml"), "version: 1\n");
        CountDownLatch changed = new CountDownLatch(1);
        AtomicBoolean stop = new AtomicBoolean();
        Thread noise = noisyNeighbour(stop);
        try (ConfigWatcher w = ConfigWatcher.start(config, Duration.ofMillis(300), changed::countDown)) {
            int before = written.get();
            await("the neighbour to be writing while watched", Duration.ofSeconds(5), () -> written.get() >= before + 5);
            Files.writeString(config, "version: 1\n# edited\n");
            // the neighbour never stops writing, yet the edit settles after the debounce time
            assertThat(changed.await(10, TimeUnit.SECONDS)).as("reload callback while the log keeps growing").isTrue();
        } finally {
            stop.set(true);
            noise.join();
        }
    }

    @Test
    void otherFilesInTheDirectoryDoNotTriggerAReload() throws Exception {
        Path config = Files.writeString(dir.resolve("mailtidy.yaml"), "version: 1\n");
        CountDownLatch changed = new CountDownLatch(1);
        AtomicBoolean stop = new AtomicBoolean();
        Thread noise = noisyNeighbour(stop);
        // a debounce shorter than the neighbour's pauses: each of its writes would settle if it counted
        try (ConfigWatcher w = ConfigWatcher.start(config, Duration.ofMillis(20), changed::countDown)) {
            // Bounded: 1 s is 20 of the neighbour's writes, each of which would settle (20 ms) if it counted.
            assertThat(changed.await(1, TimeUnit.SECONDS)).as("no callback for node.log").isFalse();
        } finally {
            stop.set(true);
            noise.join();
        }
    }

    @Test
    void anEditorsRenameOverTheFileCounts() throws Exception {
        Path config = Files.writeString(dir.resolve("mailtidy.yaml"), "version: 1\n");
        CountDownLatch changed = new CountDownLatch(1);
        try (ConfigWatcher w = ConfigWatcher.start(config, Duration.ofMillis(100), changed::countDown)) {
            Path tmp = Files.writeString(dir.resolve(".mailtidy.yaml.swp"), "version: 1\n# new\n");
            Files.move(tmp, config, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            assertThat(changed.await(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
