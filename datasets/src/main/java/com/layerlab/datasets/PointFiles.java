package com.layerlab.datasets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Learners' own point sets in the data folder: {@code <dataDir>/points/<id>.csv}, named in an
 * experiment as {@code points:<id>}. A stored file is one that {@link PointsCsv} accepted, kept as
 * the learner wrote it, so that loading it again gives the same points.
 *
 * <p>New sets get a random id of {@value #ID_BYTES} bytes (96 bits, 16 base64url characters): the id
 * is what lets someone use a set (a share link carries it), so it must not be guessable. Ids of sets
 * put in the folder by hand may be any name of 1 to 64 letters, digits, '-' and '_'.
 */
public final class PointFiles {

    public static final String PREFIX = "points:";
    static final String FOLDER = "points";
    static final int ID_BYTES = 12;

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private PointFiles() {
    }

    /** Whether {@code datasetId} is {@code points:<id>} with an id a stored set may have. */
    public static boolean isId(String datasetId) {
        return datasetId != null && datasetId.startsWith(PREFIX) && ID.matcher(datasetId.substring(PREFIX.length())).matches();
    }

    /** The file of set {@code datasetId} ({@code points:<id>}). */
    public static Path file(String datasetId, Path dataDir) {
        if (!isId(datasetId)) {
            throw new IllegalArgumentException("not a point set id: " + datasetId);
        }
        return dataDir.resolve(FOLDER).resolve(datasetId.substring(PREFIX.length()) + ".csv");
    }

    public static boolean exists(String datasetId, Path dataDir) {
        return dataDir != null && isId(datasetId) && Files.isRegularFile(file(datasetId, dataDir));
    }

    /**
     * Loads a stored set.
     *
     * @throws PointsCsvException when there is no such set (line 0) or its file has been edited into
     *     one that is no longer valid (the line at fault)
     */
    public static PointsCsv.Parsed load(String datasetId, Path dataDir) {
        if (dataDir == null) {
            throw new PointsCsvException(0, "point set " + datasetId + " cannot be loaded: no data folder is set");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file(datasetId, dataDir));
        } catch (NoSuchFileException e) {
            throw new PointsCsvException(0, "there is no point set " + datasetId + " in the data folder "
                    + dataDir + " (looked for " + FOLDER + "/" + datasetId.substring(PREFIX.length()) + ".csv)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            return PointsCsv.read(bytes);
        } catch (PointsCsvException e) {
            throw e.in("point set " + datasetId);
        }
    }

    /**
     * Checks {@code csv} whole with {@link PointsCsv#read}, then stores it under a new random id;
     * a refused file stores nothing.
     *
     * @return the set's id in an experiment, {@code points:<id>}
     * @throws PointsCsvException naming the line and the reason
     */
    public static String save(byte[] csv, Path dataDir) {
        PointsCsv.read(csv);
        String id = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes());
        Path target = file(id, dataDir);
        try {
            Files.createDirectories(target.getParent());
            // written beside it, then moved: a reader never sees half a file
            Path tmp = Files.createTempFile(target.getParent(), ".upload-", ".tmp");
            try {
                Files.write(tmp, csv);
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not store the point set in " + target.getParent(), e);
        }
        return id;
    }

    /** Stores a set drawn in the page (see {@link #save(byte[], Path)}). */
    public static String save(Points2D points, Path dataDir) {
        return save(PointsCsv.write(points).getBytes(StandardCharsets.UTF_8), dataDir);
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[ID_BYTES];
        RANDOM.nextBytes(b);
        return b;
    }
}
