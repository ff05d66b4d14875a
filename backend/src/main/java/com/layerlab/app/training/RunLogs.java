package com.layerlab.app.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * Where the app's trainings write their TensorBoard event files and checkpoints ({@link
 * Folder#checkpointDir}), and the limits that keep a shared server's disk safe. Every training a page starts (a playground, a comparison, a CNN lab training)
 * gets a folder of its own under {@code layerlab.runs.dir}, named by its start time and page, with one
 * sub-folder per network it trains ({@code tensorboard --logdir} on the root shows them all). When a
 * folder opens, the oldest folders beyond the newest {@code layerlab.runs.keep} are deleted, never one in
 * use: a training's that waits, trains or holds, or an interrupted run's, which a restart found and which
 * resumes from the checkpoint in it ({@link #reopen}). A folder that grows past
 * {@code layerlab.runs.max-run-mb} stops logging. Only folders named as this class names them are ever deleted.
 */
@Service
public class RunLogs {

    private static final Logger LOG = LoggerFactory.getLogger(RunLogs.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS", Locale.ROOT);
    /** A folder this class made: its start time, its page, a sequence number. */
    static final Pattern FOLDER = Pattern.compile("\\d{8}-\\d{6}-\\d{3}-[a-z0-9]+-\\d+");
    /** The sub-folder of a training's folder that holds its checkpoints. */
    static final String CHECKPOINTS = "checkpoints";
    /** How often a folder's size is measured, at most. */
    private static final long SIZE_CHECK_NANOS = 1_000_000_000L;

    private final Path root;
    private final int keep;
    private final long maxRunBytes;
    private final Set<Path> active = ConcurrentHashMap.newKeySet();
    /** The folders of runs other nodes of a cluster train or will go on with ({@link #keepAlso}); none on a single server. */
    private volatile Supplier<Set<Path>> usedElsewhere = Set::of;
    private final AtomicLong sequence = new AtomicLong();

    @Autowired
    public RunLogs(@Value("${layerlab.runs.dir:}") String dir,
                   @Value("${layerlab.runs.keep:50}") int keep,
                   @Value("${layerlab.runs.max-run-mb:20}") int maxRunMb) {
        this(dir == null || dir.isBlank() ? Paths.get(System.getProperty("java.io.tmpdir"), "layerlab-runs") : Paths.get(dir),
                keep, (long) maxRunMb << 20);
    }

    public RunLogs(Path root, int keep, long maxRunBytes) {
        if (keep < 1) {
            throw new IllegalArgumentException("layerlab.runs.keep must be at least 1, got " + keep);
        }
        if (maxRunBytes < 1) {
            throw new IllegalArgumentException("layerlab.runs.max-run-mb must be at least 1");
        }
        this.root = root.toAbsolutePath().normalize();
        this.keep = keep;
        this.maxRunBytes = maxRunBytes;
    }

    public Path root() {
        return root;
    }

    public int keep() {
        return keep;
    }

    public long maxRunBytes() {
        return maxRunBytes;
    }

    /**
     * A new folder for one training of page {@code page} ({@code playground}, {@code compare}, {@code cnn}),
     * after deleting the oldest folders so that, with it, at most {@code keep} remain; null when the
     * folder cannot be made (the training then runs without logs).
     */
    public Folder open(String page) {
        String kind = page.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        synchronized (this) {
            prune(keep - 1);
            Path dir = root.resolve(STAMP.format(LocalDateTime.now()) + "-" + (kind.isEmpty() ? "run" : kind) + "-"
                    + sequence.incrementAndGet());
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                LOG.warn("Cannot make the TensorBoard folder {}: {}; training without logs", dir, e.getMessage());
                return null;
            }
            active.add(dir);
            return new Folder(dir);
        }
    }

    /**
     * The folder {@code dir} of a run from before the server restarted, to train on in (a run resumed
     * after a restart keeps its folder: its event files and its checkpoints); its networks' sub-folders
     * are numbered on after the ones there. Null when it is no longer there (pushed out among the oldest).
     */
    public Folder reopen(Path dir) {
        if (dir == null || !Files.isDirectory(dir)) {
            return null;
        }
        int made;
        try (Stream<Path> list = Files.list(dir)) {
            made = (int) list.filter(p -> Files.isDirectory(p) && !p.getFileName().toString().equals(CHECKPOINTS)).count();
        } catch (IOException e) {
            LOG.warn("Cannot read the run folder {}: {}", dir, e.getMessage());
            return null;
        }
        active.add(dir);
        Folder f = new Folder(dir);
        f.runs = made;
        return f;
    }

    /**
     * The folder {@code dir} of a run that ended before the server restarted, to read (its checkpoint, its
     * event files), not to train in: not in use, it is pushed out among the oldest as any ended run's is.
     * Null when it is no longer there.
     */
    public Folder ofEnded(Path dir) {
        return dir == null || !Files.isDirectory(dir) ? null : new Folder(dir);
    }

    /**
     * Deletes the folder {@code dir} of a run that will never train again (an interrupted run discarded or
     * expired), checkpoints and event files; only a folder of this class's, under its root. False when
     * there is none such to delete (null, elsewhere, or gone already).
     */
    public boolean delete(Path dir) {
        if (dir == null) {
            return false;
        }
        Path d = dir.toAbsolutePath().normalize();
        if (!root.equals(d.getParent()) || !FOLDER.matcher(d.getFileName().toString()).matches() || !Files.isDirectory(d)) {
            return false;
        }
        synchronized (this) {
            active.remove(d);
            return deleteTree(d);
        }
    }

    /**
     * On a cluster, whose nodes share this folder: {@code used} lists the folders of the runs another node
     * trains (or that wait to go on from their checkpoint there), which a prune here keeps as it keeps its own
     * runs' folders. Asked once per prune; a prune that cannot ask (the database down) deletes nothing.
     */
    public void keepAlso(Supplier<Set<Path>> used) {
        usedElsewhere = used;
    }

    /**
     * Deletes the oldest of this class's folders until at most {@code room} remain; folders in use here or
     * elsewhere ({@link #keepAlso}) are kept (and counted). Returns the folders deleted.
     */
    synchronized List<Path> prune(int room) {
        List<Path> deleted = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return deleted;
        }
        Set<Path> inUse = new HashSet<>(active);
        try {
            usedElsewhere.get().forEach(p -> inUse.add(p.toAbsolutePath().normalize()));
        } catch (RuntimeException e) {
            LOG.debug("Not pruning the TensorBoard folders now: which ones other nodes use is unknown ({})", e.getMessage());
            return deleted;
        }
        List<Path> folders;
        try (Stream<Path> list = Files.list(root)) {
            folders = list.filter(Files::isDirectory).filter(p -> FOLDER.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed()).toList();
        } catch (IOException e) {
            LOG.warn("Cannot list the TensorBoard folders in {}: {}", root, e.getMessage());
            return deleted;
        }
        // the folders in use stay whatever their age, and take their share of the room first
        int kept = (int) folders.stream().filter(inUse::contains).count();
        for (Path f : folders) {
            if (inUse.contains(f)) {
                continue;
            }
            if (kept < room) {
                kept++;
                continue;
            }
            if (deleteTree(f)) {
                deleted.add(f);
            }
        }
        if (!deleted.isEmpty()) {
            LOG.debug("Deleted {} old TensorBoard folders in {} (keeping {})", deleted.size(), root, keep);
        }
        return deleted;
    }

    /** Folders whose training still runs. */
    int activeCount() {
        return active.size();
    }

    static long sizeOf(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // deleted meanwhile
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    private static boolean deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
            return true;
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("Could not delete the TensorBoard folder {}", dir, e);
            return false;
        }
    }

    /**
     * One training's folder. Its training thread asks it for a sub-folder per network and checks its size;
     * a download reads it from any thread.
     */
    public final class Folder implements AutoCloseable {

        private final Path dir;
        private int runs;
        private volatile boolean capped;
        private long nextSizeCheck;

        private Folder(Path dir) {
            this.dir = dir;
        }

        public Path dir() {
            return dir;
        }

        /**
         * A new sub-folder for a network named {@code name} (numbered, so TensorBoard lists the networks in
         * the order trained), or null once the folder is over its size cap.
         */
        public Path runDir(String name) {
            if (capped) {
                return null;
            }
            String safe = name == null ? "run" : name.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^-+|-+$", "");
            if (safe.length() > 40) {
                safe = safe.substring(0, 40);
            }
            return dir.resolve(String.format(Locale.ROOT, "%03d-%s", runs++, safe.isEmpty() ? "run" : safe));
        }

        /**
         * Where the checkpoint of the run's trainer {@code index} goes (replaced at every checkpoint; not
         * counted in the folder's size cap, which is for the event files).
         */
        public Path checkpointDir(int index) {
            return dir.resolve(CHECKPOINTS).resolve(String.format(Locale.ROOT, "%03d", index));
        }

        /**
         * Whether the folder's event files have grown past the cap; measured at most once a second, and once true it stays
         * true (the training then stops logging).
         */
        public boolean overCap() {
            if (capped) {
                return true;
            }
            long now = System.nanoTime();
            if (now < nextSizeCheck) {
                return false;
            }
            nextSizeCheck = now + SIZE_CHECK_NANOS;
            long size = sizeOf(dir) - sizeOf(dir.resolve(CHECKPOINTS));
            if (size > maxRunBytes) {
                capped = true;
                LOG.info("TensorBoard folder {} reached {} MB (the cap is {} MB): this training logs no more", dir,
                        size >> 20, maxRunBytes >> 20);
            }
            return capped;
        }

        public boolean isCapped() {
            return capped;
        }

        /** Deletes a network's sub-folder (one replaced before it trained: nothing worth keeping). */
        public void discard(Path runDir) {
            if (runDir != null && runDir.startsWith(dir) && !runDir.equals(dir)) {
                deleteTree(runDir);
            }
        }

        /**
         * The training has ended: the folder stays on disk until newer ones push it out, unless it holds
         * nothing (a page opened and left without training), which is deleted at once.
         */
        @Override
        public void close() {
            if (sizeOf(dir) == 0) {
                deleteTree(dir);
            }
            active.remove(dir);
        }
    }
}
