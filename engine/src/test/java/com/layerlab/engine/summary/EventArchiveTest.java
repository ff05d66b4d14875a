package com.layerlab.engine.summary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.DynamicMessage;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventArchiveTest {
    @TempDir
    Path dir;

    @Test
    void droppingStepsKeepsTheEarlierEventsWholeAndReadable() throws IOException {
        Path file;
        try (SummaryWriter w = new SummaryWriter(dir.resolve("000-net"))) {
            for (int step = 0; step < 6; step++) {
                w.addScalar("loss", 1.0 / (step + 1), step);
                w.addScalar("accuracy", step / 10.0, step);
            }
            file = w.file();
        }
        // a record cut short by a kill mid-write goes too
        Files.write(file, new byte[] {42, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3}, StandardOpenOption.APPEND);

        EventArchive.dropStepsFrom(dir, 3);

        List<DynamicMessage> events = TfRecordReader.events(file); // fails on any trailing byte
        List<Long> steps = new ArrayList<>();
        for (DynamicMessage e : events) {
            if (e.getAllFields().keySet().stream().anyMatch(f -> f.getName().equals("summary"))) {
                steps.add((Long) e.getField(e.getDescriptorForType().findFieldByName("step")));
            }
        }
        assertEquals(List.of(0L, 0L, 1L, 1L, 2L, 2L), steps, "steps 0 to 2, both tags each");
        assertEquals(7, events.size(), "the file version and six scalars");
    }

    @Test
    void zipHoldsEveryRunAndOnlyWholeRecords() throws IOException {
        Path main;
        try (SummaryWriter w = new SummaryWriter(dir)) {
            for (int step = 0; step < 5; step++) {
                w.addScalar("loss", 1.0 / (step + 1), step);
            }
            w.addHparams(Map.of("lr", 0.01), Map.of("acc", 0.9), "hp", 0);
            main = w.file();
        }
        // A record cut short, as a reader may find one while a writer is mid-write.
        Files.write(main, new byte[] {42, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3}, StandardOpenOption.APPEND);

        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        EventArchive.writeZip(dir, zipped);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zipped.toByteArray()))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        assertEquals(2, entries.size(), entries.keySet().toString());
        String mainName = main.getFileName().toString();
        assertTrue(entries.containsKey(mainName), entries.keySet().toString());
        String hpName = entries.keySet().stream().filter(n -> n.startsWith("hp/")).findFirst().orElseThrow();
        assertTrue(hpName.substring(3).startsWith("events.out.tfevents."), hpName);

        Path copy = Files.write(dir.resolve("copy"), entries.get(mainName));
        List<DynamicMessage> events = TfRecordReader.events(copy); // fails on any trailing byte
        assertEquals(6, events.size());
        assertEquals(Files.size(main) - 11, Files.size(copy));
        Path hpCopy = Files.write(dir.resolve("hp-copy"), entries.get(hpName));
        assertEquals(1 + 3 + 1, TfRecordReader.events(hpCopy).size());
    }

    @Test
    void noFolderMeansAnEmptyZip() throws IOException {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        EventArchive.writeZip(dir.resolve("missing"), zipped);
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zipped.toByteArray()))) {
            assertEquals(null, in.getNextEntry());
        }
    }

    /** The app's case: the training thread writes while a download thread flushes and reads. */
    @Test
    void readersSeeWholeRecordsWhileATrainingThreadWrites() throws Exception {
        int steps = 3000;
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (SummaryWriter w = new SummaryWriter(dir, 7, Duration.ofMillis(1))) {
            Thread trainer = new Thread(() -> {
                try {
                    for (int step = 0; step < steps; step++) {
                        w.addScalar("loss", step * 0.5, step);
                        if (step % 100 == 0) {
                            w.addHistogram("w", new float[] {step, -step, 1}, step);
                        }
                    }
                } catch (Throwable t) {
                    failure.set(t);
                } finally {
                    done.set(true);
                }
            });
            trainer.start();
            int reads = 0;
            long lastSeen = -1;
            while (!done.get() || reads < 3) {
                w.flush();
                byte[] bytes = Files.readAllBytes(w.file());
                List<byte[]> records = new ArrayList<>();
                TfRecordReader.readWhole(bytes, records); // checks every CRC
                long previous = -1;
                for (int i = 1; i < records.size(); i++) {
                    DynamicMessage e = TfRecordReader.parse(TfRecordReader.EVENT, records.get(i));
                    DynamicMessage v = SummaryWriterTest.onlyValue(e);
                    if ("loss".equals(SummaryWriterTest.get(v, "tag"))) {
                        long step = (long) SummaryWriterTest.get(e, "step");
                        assertEquals(previous + 1, step, "scalars arrive in order, none lost");
                        previous = step;
                    }
                }
                assertTrue(previous >= lastSeen, "a later read never sees fewer events");
                lastSeen = previous;
                ByteArrayOutputStream zipped = new ByteArrayOutputStream();
                EventArchive.writeZip(dir, zipped);
                reads++;
            }
            trainer.join();
            if (failure.get() != null) {
                throw new AssertionError("training thread failed", failure.get());
            }
        }
        List<DynamicMessage> all = new ArrayList<>();
        for (Path f : EventArchive.eventFiles(dir)) {
            all.addAll(TfRecordReader.events(f));
        }
        assertEquals(1 + steps + steps / 100, all.size());
    }
}
