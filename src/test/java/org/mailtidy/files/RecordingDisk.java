package org.mailtidy.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The real disk, recording each sync (and the size of each file synced) in order. */
public final class RecordingDisk implements DurableFiles.Disk {
    /** One sync: of a file (with its size at that moment) or of a directory. */
    public record Sync(Path path, boolean directory, long size) {
    }

    private final List<Sync> syncs = new CopyOnWriteArrayList<>();

    @Override
    public void force(FileChannel channel, Path file) throws IOException {
        DurableFiles.Disk.super.force(channel, file);
        syncs.add(new Sync(file.toAbsolutePath(), false, channel.size()));
    }

    @Override
    public void forceDirectory(Path dir) throws IOException {
        DurableFiles.Disk.super.forceDirectory(dir);
        syncs.add(new Sync(dir.toAbsolutePath(), true, 0));
    }

    public List<Sync> syncs() {
        return List.copyOf(syncs);
    }

    public DurableFiles files() {
        return new DurableFiles(this);
    }
}
