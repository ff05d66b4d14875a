package com.layerlab.app.lab;

import com.layerlab.datasets.PointFiles;
import com.layerlab.datasets.Points2D;
import com.layerlab.datasets.PointsCsv;
import com.layerlab.datasets.PointsCsvException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Service;

/**
 * Learners' own 2D point sets in the playground: uploaded CSV files and drawn sets, stored by
 * {@link PointFiles} under the data folder, each owned by its uploader ({@link DataOwners}).
 */
@Service
public class PointSets {

    /**
     * A stored set as the playground shows it.
     *
     * @param classes    0 for a regression set
     * @param classNames the file's class names (index = class), or empty when its classes are numbers
     */
    public record PointSet(String id, String name, int size, int classes, List<String> classNames) {

        public boolean isRegression() {
            return classes == 0;
        }

        /** The menu's text, e.g. "blobs.csv · 200 points, 3 classes". */
        public String label() {
            return name + " · " + summary();
        }

        /** What it holds, e.g. "200 points, 3 classes" or "120 points with values (regression)". */
        public String summary() {
            return String.format(Locale.ROOT, "%,d points, %s", size, classes == 0 ? "values to predict" : classes + " classes");
        }
    }

    private final Path dataDir;
    private final DataOwners owners;

    @Autowired
    public PointSets(DataFolder dataFolder, DataOwners owners) {
        this(dataFolder.path(), owners);
    }

    public PointSets(Path dataDir, DataOwners owners) {
        this.dataDir = dataDir;
        this.owners = owners;
    }

    /**
     * Checks an uploaded file whole, then stores it for {@code owner}; a refused file stores nothing.
     *
     * @throws PointsCsvException naming the line and the reason
     */
    public PointSet upload(byte[] csv, String fileName, String owner) {
        String id = PointFiles.save(csv, dataDir);
        owners.record(id, owner, menuName(fileName));
        return describe(id).orElseThrow();
    }

    /** Stores a set drawn in the page for {@code owner}, named after its number among the owner's drawings. */
    public PointSet saveDrawn(Points2D points, String owner) {
        String id = PointFiles.save(points, dataDir);
        long drawn = owners.ownedBy(owner, PointFiles.PREFIX).stream().filter(o -> o.name().startsWith("Drawing ")).count();
        owners.record(id, owner, "Drawing " + (drawn + 1));
        return describe(id).orElseThrow();
    }

    /** The sets {@code owner} uploaded or drew, oldest first. */
    public List<PointSet> ownedBy(String owner) {
        return owners.ownedBy(owner, PointFiles.PREFIX).stream()
                .map(o -> describe(o.dataset())).flatMap(Optional::stream).toList();
    }

    /**
     * A stored set (whoever owns it: holding its id is enough to use it), empty when there is none or
     * its file no longer reads as a point set.
     */
    public Optional<PointSet> describe(String id) {
        if (!PointFiles.exists(id, dataDir)) {
            return Optional.empty();
        }
        PointsCsv.Parsed p;
        try {
            p = PointFiles.load(id, dataDir);
        } catch (PointsCsvException e) {
            return Optional.empty();
        }
        String name = owners.find(id).map(DataOwners.Owned::name).orElse(id.substring(PointFiles.PREFIX.length()));
        return Optional.of(new PointSet(id, name, p.points().size(), p.points().classes(), p.classNames()));
    }

    /** The points of a stored set, for drawing it. */
    public Points2D points(String id) {
        return PointFiles.load(id, dataDir).points();
    }

    /** Removes the file of set {@code id}; who may, and when, is {@link OwnedData}'s to decide first. */
    void deleteFile(String id) {
        try {
            Files.deleteIfExists(PointFiles.file(id, dataDir));
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the point set " + id, e);
        }
    }

    /** An upload's file name as the menu shows it: its last path part, at most 40 characters. */
    public static String menuName(String fileName) {
        String base = fileName == null ? "" : fileName.strip();
        base = base.substring(Math.max(base.lastIndexOf('/'), base.lastIndexOf('\\')) + 1);
        base = base.replaceAll("\\p{Cntrl}", "");
        if (base.length() > 40) {
            base = base.substring(0, 39) + "…";
        }
        return base.isEmpty() ? "upload.csv" : base;
    }
}
