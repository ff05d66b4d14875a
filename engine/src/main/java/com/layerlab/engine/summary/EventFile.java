package com.layerlab.engine.summary;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;

/**
 * One TensorBoard event file: TFRecord framing around serialized {@code Event} messages.
 * Records are queued in memory and reach the file only whole, at {@link #flush()}, so a reader
 * that stops at {@link #flushedLength()} never sees half a record.
 */
final class EventFile {
    static final String PREFIX = "events.out.tfevents.";

    /** The last part of the name, as TensorBoard's writers number the files a process opens. */
    private static final AtomicInteger FILE_COUNTER = new AtomicInteger();

    private final Path path;
    private final FileChannel channel;
    private ByteBuffer pending = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
    private int pendingRecords;
    private volatile long flushedLength;
    private boolean closed;

    private EventFile(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /** Creates {@code dir} if needed and a new event file in it; the first record is the file version. */
    static EventFile create(Path dir, double wallTime) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create log directory " + dir + ": " + e.getMessage(), e);
        }
        long seconds = (long) Math.floor(wallTime);
        String name = String.format("%s%010d.%s.%d.%d", PREFIX, seconds, Host.NAME,
                ProcessHandle.current().pid(), FILE_COUNTER.getAndIncrement());
        Path path = dir.resolve(name);
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create event file " + path + ": " + e.getMessage(), e);
        }
        EventFile file = new EventFile(path, channel);
        ProtoWriter event = new ProtoWriter()
                .doubleValue(1, wallTime)
                .string(3, "brain.Event:2")
                .message(10, new ProtoWriter().string(1, "layerlab"));
        file.append(event.toByteArray());
        file.flush();
        return file;
    }

    static double now() {
        Instant t = Instant.now();
        return t.getEpochSecond() + t.getNano() / 1e9;
    }

    Path path() {
        return path;
    }

    long flushedLength() {
        return flushedLength;
    }

    int pendingRecords() {
        return pendingRecords;
    }

    /** Queues one record: length, masked CRC of the length, data, masked CRC of the data. */
    synchronized void append(byte[] data) {
        if (closed) {
            throw new IllegalStateException("event file " + path + " is closed");
        }
        ensure(data.length + 16);
        int start = pending.position();
        pending.putLong(data.length);
        pending.putInt(maskedCrc(pending.array(), start, 8));
        pending.put(data);
        pending.putInt(maskedCrc(data, 0, data.length));
        pendingRecords++;
    }

    synchronized void flush() {
        if (closed || pending.position() == 0) {
            return;
        }
        pending.flip();
        try {
            while (pending.hasRemaining()) {
                channel.write(pending);
            }
            flushedLength = channel.position();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write event file " + path + ": " + e.getMessage(), e);
        } finally {
            pending.clear();
            pendingRecords = 0;
        }
    }

    synchronized void close() {
        if (closed) {
            return;
        }
        try {
            flush();
        } finally {
            closed = true;
            try {
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close event file " + path + ": " + e.getMessage(), e);
            }
        }
    }

    static int maskedCrc(byte[] data, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(data, offset, length);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + 0xa282ead8;
    }

    private void ensure(int more) {
        if (pending.remaining() < more) {
            long wanted = Math.max(2L * pending.capacity(), (long) pending.position() + more);
            if (wanted > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("summary record too large: over 2 GiB");
            }
            ByteBuffer bigger = ByteBuffer.allocate((int) wanted).order(ByteOrder.LITTLE_ENDIAN);
            pending.flip();
            bigger.put(pending);
            pending = bigger;
        }
    }

    /** The host part of the file name, as Python's socket.gethostname() gives it, without a DNS look-up. */
    private static final class Host {
        static final String NAME = find();

        private static String find() {
            String name = System.getenv("HOSTNAME");
            if (name == null || name.isBlank()) {
                try {
                    name = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
                } catch (IOException | RuntimeException e) {
                    name = null;
                }
            }
            if (name == null || name.isBlank()) {
                try {
                    name = java.net.InetAddress.getLocalHost().getHostName();
                } catch (IOException e) {
                    name = "localhost";
                }
            }
            // The name becomes part of a file name: keep it to characters every file system takes.
            String safe = name.trim().replaceAll("[^A-Za-z0-9._-]", "_");
            return safe.isEmpty() ? "localhost" : safe;
        }
    }
}
