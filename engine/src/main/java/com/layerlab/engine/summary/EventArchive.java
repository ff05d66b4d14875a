package com.layerlab.engine.summary;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A run's event files for download. A writer may be appending while this reads, so each file is
 * cut after its last whole record: TensorBoard then reads every copied record, none half-written.
 */
public final class EventArchive {
    private EventArchive() {
    }

    /** The event files under {@code logDir} (sub-runs included), sorted by path. */
    public static List<Path> eventFiles(Path logDir) {
        if (!Files.isDirectory(logDir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(logDir)) {
            return walk.filter(p -> p.getFileName().toString().startsWith(EventFile.PREFIX))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list event files in " + logDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes a zip of the event files under {@code logDir}, their paths relative to it (so
     * {@code tensorboard --logdir} on the unzipped folder shows the same runs). Does not close
     * {@code out}.
     */
    public static void writeZip(Path logDir, OutputStream out) {
        List<Path> files = eventFiles(logDir);
        try {
            ZipOutputStream zip = new ZipOutputStream(out);
            for (Path f : files) {
                byte[] bytes;
                long modified;
                try {
                    bytes = Files.readAllBytes(f);
                    modified = Files.getLastModifiedTime(f).toMillis();
                } catch (NoSuchFileException gone) {
                    continue; // a run discarded while the archive was written: it has nothing to show
                }
                int length = (int) wholeRecordsLength(bytes);
                ZipEntry entry = new ZipEntry(relativeName(logDir, f));
                entry.setTime(modified);
                zip.putNextEntry(entry);
                zip.write(bytes, 0, length);
                zip.closeEntry();
            }
            zip.finish();
            zip.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot archive event files of " + logDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Drops from the event files under {@code logDir} every event of step {@code fromStep} or later, and a
     * half-written record at a file's end: what a run killed after its last checkpoint (at epoch
     * {@code fromStep}) had logged beyond it, so that the run resumed from that checkpoint logs each
     * epoch once. Events without a step (the file version) stay. A file is replaced whole.
     */
    public static void dropStepsFrom(Path logDir, long fromStep) {
        for (Path f : eventFiles(logDir)) {
            try {
                byte[] bytes = Files.readAllBytes(f);
                long whole = wholeRecordsLength(bytes);
                ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
                ByteArrayOutputStream kept = new ByteArrayOutputStream(bytes.length);
                for (int at = 0; at < whole; ) {
                    int length = (int) b.getLong(at);
                    int next = at + 12 + length + 4;
                    if (step(bytes, at + 12, at + 12 + length) < fromStep) {
                        kept.write(bytes, at, next - at);
                    }
                    at = next;
                }
                if (kept.size() == bytes.length) {
                    continue;
                }
                Path tmp = f.resolveSibling(f.getFileName() + ".writing");
                Files.write(tmp, kept.toByteArray());
                Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot rewrite event file " + f + ": " + e.getMessage(), e);
            }
        }
    }

    /** The {@code step} (field 2, a varint) of the Event message in {@code bytes[from, to)}; -1 when it has none. */
    static long step(byte[] bytes, int from, int to) {
        int[] at = {from};
        while (at[0] < to) {
            long key = varint(bytes, at, to);
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            if (wire == 0) {
                long value = varint(bytes, at, to);
                if (field == 2) {
                    return value;
                }
            } else if (wire == 1) {
                at[0] += 8;
            } else if (wire == 5) {
                at[0] += 4;
            } else if (wire == 2) {
                long length = varint(bytes, at, to);
                at[0] += (int) length;
            } else {
                return -1; // not an Event as SummaryWriter writes them: keep it
            }
        }
        return -1;
    }

    /** The protobuf varint at {@code at[0]} (not past {@code to}); {@code at[0]} moves past it. */
    private static long varint(byte[] bytes, int[] at, int to) {
        long value = 0;
        int shift = 0;
        byte x;
        do {
            x = bytes[at[0]++];
            value |= (long) (x & 0x7f) << shift;
            shift += 7;
        } while (x < 0 && at[0] < to);
        return value;
    }

    /** The length of the prefix of {@code bytes} made of whole TFRecord records. */
    static long wholeRecordsLength(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long end = 0;
        while (bytes.length - end >= 12) {
            long length = b.getLong((int) end);
            long next = end + 12 + length + 4;
            if (length < 0 || next > bytes.length) {
                break;
            }
            end = next;
        }
        return end;
    }

    private static String relativeName(Path root, Path file) {
        List<String> parts = new ArrayList<>();
        for (Path p : root.relativize(file)) {
            parts.add(p.toString());
        }
        return String.join("/", parts);
    }
}
