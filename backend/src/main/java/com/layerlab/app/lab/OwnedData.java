package com.layerlab.app.lab;

import com.layerlab.datasets.ImageDataException;
import com.layerlab.datasets.ImageFolders;
import com.layerlab.datasets.ImageSets;
import com.layerlab.datasets.PointFiles;
import com.layerlab.engine.experiment.DataSpec;
import com.layerlab.engine.experiment.Experiment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;

/**
 * "My data": a learner's own point sets and uploaded image folders, with the rules for managing them.
 * Only a set's owner sees, renames or deletes it; renaming changes the name in the menus, never the id the
 * experiments and links carry; a set that a saved experiment trains on is not deleted (the experiment would
 * no longer open), whoever saved the experiment.
 */
@Service
public class OwnedData {

    public static final int MAX_NAME_LENGTH = 60;

    /** The two kinds of set, and the page that trains on each. */
    public enum Kind {
        POINTS("Point set", "Open in the playground"),
        IMAGES("Image folder", "Open in the CNN lab");

        private final String label;
        private final String openLabel;

        Kind(String label, String openLabel) {
            this.label = label;
            this.openLabel = openLabel;
        }

        public String label() {
            return label;
        }

        public String openLabel() {
            return openLabel;
        }
    }

    /**
     * One of the owner's sets as "My data" lists it.
     *
     * @param size     what it holds, e.g. "200 points, 2 classes" or "110 images [3, 128, 128], 2 classes"
     * @param usedBy   the owner's saved experiments that train on it, newest first
     * @param openHref the page that trains on it, with the set chosen (a share link)
     */
    public record Item(String id, Kind kind, String name, String size, Instant created, List<SavedDataUses.Use> usedBy,
                       String openHref) {
    }

    private final DataOwners owners;
    private final PointSets pointSets;
    private final CnnDataService images;
    private final SavedDataUses uses;

    public OwnedData(DataOwners owners, PointSets pointSets, CnnDataService images, SavedDataUses uses) {
        this.owners = owners;
        this.pointSets = pointSets;
        this.images = images;
        this.uses = uses;
    }

    /** The owner's point sets, then its image folders, each newest first. */
    public List<Item> list(String owner) {
        Map<String, List<SavedDataUses.Use>> used = uses.savedBy(owner).stream()
                .collect(Collectors.groupingBy(SavedDataUses.Use::dataset));
        List<Item> items = new ArrayList<>();
        for (String prefix : List.of(PointFiles.PREFIX, ImageFolders.PREFIX)) {
            List<DataOwners.Owned> owned = new ArrayList<>(owners.ownedBy(owner, prefix));
            owned.sort(Comparator.comparing(DataOwners.Owned::created).reversed());
            for (DataOwners.Owned o : owned) {
                item(o, used.getOrDefault(o.dataset(), List.of())).ifPresent(items::add);
            }
        }
        return items;
    }

    /** The owner's set {@code id}, renamed; the id stays. */
    public Item rename(String id, String owner, String newName) {
        DataOwners.Owned o = owned(id, owner);
        owners.rename(o.dataset(), checkName(newName));
        return list(owner).stream().filter(i -> i.id().equals(id)).findFirst()
                .orElseThrow(() -> new DataRefused(notYours(id)));
    }

    /**
     * Deletes the owner's set {@code id}: its files and its owner record.
     *
     * @return the name it had
     * @throws DataRefused when it is not the owner's, or a saved experiment still trains on it (named)
     */
    public String delete(String id, String owner) {
        DataOwners.Owned o = owned(id, owner);
        List<SavedDataUses.Use> using = uses.using(id);
        if (!using.isEmpty()) {
            List<String> mine = using.stream().filter(u -> u.ownerKey().equals(owner))
                    .map(u -> "\"" + u.experimentName() + "\"").toList();
            long others = using.size() - mine.size();
            List<String> named = new ArrayList<>(mine);
            if (others > 0) {
                named.add(others + " saved experiment" + (others == 1 ? "" : "s") + " of other people (shared with them by a link)");
            }
            throw new DataRefused("\"" + o.name() + "\" was not deleted: " + (using.size() == 1 ? "the saved experiment "
                    : "the saved experiments ") + String.join(", ", named) + (using.size() == 1 ? " trains" : " train")
                    + " on it and would no longer open." + (mine.isEmpty() ? "" : " Delete "
                    + (mine.size() == 1 ? "it" : "them") + " in My experiments first."));
        }
        if (id.startsWith(PointFiles.PREFIX)) {
            pointSets.deleteFile(id);
        } else {
            images.deleteFolder(id);
        }
        owners.remove(id);
        return o.name();
    }

    /** The record of the owner's set {@code id}; a forged, unknown or another's id gets the same answer. */
    private DataOwners.Owned owned(String id, String owner) {
        if (!isStoredId(id)) {
            throw new DataRefused(notYours(id));
        }
        return owners.find(id).filter(o -> o.owner().equals(owner)).orElseThrow(() -> new DataRefused(notYours(id)));
    }

    private static boolean isStoredId(String id) {
        return PointFiles.isId(id) || ImageSets.isFolder(id) && ImageFolders.isValidName(ImageSets.folderName(id));
    }

    private static String notYours(String id) {
        String shown = id == null ? "" : id.length() > 80 ? id.substring(0, 79) + "…" : id;
        return "There is no data set \"" + shown + "\" of yours: it was deleted, or the id is wrong, or it is someone else's.";
    }

    /** A name for the menus: one line of 1 to {@value #MAX_NAME_LENGTH} characters. */
    static String checkName(String name) {
        String n = name == null ? "" : name.strip();
        if (n.isEmpty()) {
            throw new DataRefused("Give the data set a name.");
        }
        if (n.length() > MAX_NAME_LENGTH) {
            throw new DataRefused("The name has " + n.length() + " characters; at most " + MAX_NAME_LENGTH + " fit.");
        }
        if (n.chars().anyMatch(Character::isISOControl)) {
            throw new DataRefused("The name has a control character (a line break or tab): use one line of text.");
        }
        return n;
    }

    private Optional<Item> item(DataOwners.Owned o, List<SavedDataUses.Use> usedBy) {
        String id = o.dataset();
        if (id.startsWith(PointFiles.PREFIX)) {
            return pointSets.describe(id).map(s -> new Item(id, Kind.POINTS, o.name(), s.summary(), o.created(), usedBy,
                    playgroundHref(s)));
        }
        if (!ImageSets.isFolder(id) || !ImageFolders.exists(ImageSets.folderName(id), images.dataDir())) {
            return Optional.empty();
        }
        String size;
        try {
            ImageFolders.Stored s = images.describeFolder(id);
            size = String.format(Locale.ROOT, "%,d images %s, %d classes", s.images(), CnnInspection.shape(s.shape()), s.classes());
        } catch (ImageDataException e) {
            size = "its files cannot be read; delete it and upload it again";
        }
        return Optional.of(new Item(id, Kind.IMAGES, o.name(), size, o.created(), usedBy, cnnHref(id)));
    }

    /** The playground's defaults on the set. */
    private static String playgroundHref(PointSets.PointSet s) {
        PlaygroundSettings settings = PlaygroundSettings.DEFAULTS.toBuilder().pointSet(s.id(), s.classes()).build();
        return "/?" + ShareLinks.queryString(ShareLinks.playgroundQuery(settings));
    }

    /** The CNN lab's default model on the set, as the lab's data menu would choose it. */
    private static String cnnHref(String id) {
        Experiment e = CnnPresets.defaultExperiment();
        DataSpec d = e.data();
        Experiment onSet = e.withData(new DataSpec(id, Map.of(), null, d.trainFraction(), d.batchSize(), d.shuffle(), d.dropLast()));
        return "/" + CnnLinks.location(new CnnLinks.State(onSet, List.of()));
    }
}
