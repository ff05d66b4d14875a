package com.layerlab.app.lab;

import com.layerlab.datasets.Cifar10;
import com.layerlab.datasets.ImageDataException;
import com.layerlab.datasets.ImageFolders;
import com.layerlab.datasets.ImageSet;
import com.layerlab.datasets.ImageSets;
import com.layerlab.engine.data.DataLoader;
import com.layerlab.engine.data.ImageDataset;
import com.layerlab.engine.experiment.DataSets;
import com.layerlab.engine.experiment.DataSpec;
import com.layerlab.engine.experiment.ExperimentException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.util.Base64;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * The image data sets the CNN lab offers: the built-in ones, CIFAR-10 when its files are in the data
 * folder, and the folder sets users upload as zips. Loaded sets are kept for a while (the page reloads
 * the same set on every setting change); uploads are checked whole by {@link ImageFolders} before
 * anything is stored.
 *
 * <p>An uploaded folder belongs to its uploader ({@link DataOwners}): it is stored under its name with
 * a random suffix, {@code folder:<name>-<16 random characters>}, so that its id, which a link carries,
 * cannot be guessed and no upload can take or replace another's set; only its owner finds it in the
 * menu.
 */
@Service
public class CnnDataService {

    /** A set the lab offers: its id and its menu name. */
    public record Choice(String id, String label) {
    }

    private record Key(String id, Map<String, Object> options, long seed) {
    }

    private static final int CACHED = 3;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** How messages name the data folder. */
    static final String DATA_FOLDER = "<data folder>";

    private final Path dataDir;
    private final CnnLimits limits;
    private final DataOwners owners;
    private final Map<Key, ImageSet> cache = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, ImageSet> eldest) {
            return size() > CACHED;
        }
    };

    @Autowired
    public CnnDataService(DataFolder dataFolder,
                          @Value("${layerlab.limits.max-params:2000000}") long maxParams,
                          @Value("${layerlab.cnn.max-images:20000}") int maxImages,
                          @Value("${layerlab.cnn.max-epochs:50}") int maxEpochs,
                          @Value("${layerlab.cnn.max-batch-size:512}") int maxBatchSize,
                          @Value("${layerlab.cnn.max-batch-memory-mb:512}") int maxBatchMemoryMb,
                          @Value("${layerlab.cnn.max-upload-mb:32}") int maxUploadMb,
                          @Value("${layerlab.cnn.max-sessions:4}") int maxSessions,
                          @Value("${layerlab.cnn.max-per-visitor:1}") int maxPerVisitor,
                          @Value("${layerlab.cnn.frame-interval-ms:100}") int frameIntervalMs) {
        this(dataFolder.path(), new CnnLimits(maxParams, maxImages, maxEpochs, maxBatchSize, (long) maxBatchMemoryMb << 20,
                        (long) maxUploadMb << 20, maxSessions, maxPerVisitor,
                        java.time.Duration.ofMillis(frameIntervalMs)));
        LoggerFactory.getLogger(CnnDataService.class).info("Data folder: {} (CIFAR-10 in cifar10/, uploaded image sets "
                + "in folders/)", this.dataDir);
    }

    public CnnDataService(Path dataDir, CnnLimits limits) {
        this.dataDir = Objects.requireNonNull(dataDir);
        this.limits = Objects.requireNonNull(limits);
        this.owners = new DataOwners(dataDir);
    }

    public Path dataDir() {
        return dataDir;
    }

    public CnnLimits limits() {
        return limits;
    }

    public boolean cifar10Present() {
        return Cifar10.isPresent(dataDir);
    }

    /** The sets {@code owner} may choose from, in menu order: the built-in ones, then its uploads. */
    public List<Choice> choices(String owner) {
        List<Choice> c = new ArrayList<>();
        c.add(new Choice(ImageSets.MNIST, "MNIST digits (1x28x28)"));
        c.add(new Choice(ImageSets.FASHION_MNIST, "Fashion-MNIST (1x28x28)"));
        c.add(new Choice(ImageSets.SHAPES, "Shapes, generated (3x32x32)"));
        if (cifar10Present()) {
            c.add(new Choice(ImageSets.CIFAR10, "CIFAR-10 (3x32x32)"));
        }
        for (String name : ImageFolders.list(dataDir)) {
            String id = ImageFolders.PREFIX + name;
            if (owners.isOffered(id, owner)) {
                c.add(new Choice(id, "Uploaded: " + owners.find(id).map(DataOwners.Owned::name).orElse(name)));
            }
        }
        return c;
    }

    /**
     * The menu of a page whose experiment trains on {@code shown}: {@link #choices(String)}, and {@code shown}
     * too when it is not among them: an upload of someone else's that a link named (its unguessable id lets
     * the link's holder use it), or a set not on this server.
     */
    public List<Choice> choices(String owner, String shown) {
        List<Choice> c = choices(owner);
        if (c.stream().noneMatch(choice -> choice.id().equals(shown))) {
            boolean shared = ImageSets.isFolder(shown) && ImageFolders.exists(ImageSets.folderName(shown), dataDir);
            c.add(new Choice(shown, shared ? "Shared with the link: uploaded images" : shown + " (not available here)"));
        }
        return c;
    }

    /**
     * The set as the experiment's data section describes it ({@code options}; {@code seed} generates
     * shapes).
     *
     * @throws ExperimentException naming the data set or option, with a message for the user
     */
    public ImageSet load(DataSpec data, long seed) {
        Key key = new Key(data.dataset(), new LinkedHashMap<>(data.options()),
                ImageSets.SHAPES.equals(data.dataset()) ? seed : 0);
        synchronized (cache) {
            ImageSet hit = cache.get(key);
            if (hit != null) {
                return hit;
            }
        }
        ImageSet set;
        try {
            set = DataSets.load(data, seed, dataDir);
        } catch (ExperimentException e) {
            throw new ExperimentException(withoutServerPath(e.getMessage()), e);
        }
        synchronized (cache) {
            cache.put(key, set);
        }
        return set;
    }

    /** What the training check needs to know of the set. */
    public CnnInspection.DataInfo info(DataSpec data, long seed) {
        ImageSet s = load(data, seed);
        return new CnnInspection.DataInfo(data.dataset(), s.size(), s.classes(), s.shape());
    }

    /**
     * The images of the first batch of epoch 0, as a DataLoader with the experiment's batch size,
     * shuffle and seed deals them from the whole set (at most {@code max}).
     */
    public static int[] firstBatch(ImageSet set, DataSpec data, long seed, int max) {
        DataLoader loader = new DataLoader(new ImageDataset(set), Math.max(1, data.batchSize()), data.shuffle(), false, seed);
        int[] order = loader.order(0);
        return Arrays.copyOf(order, Math.min(Math.min(max, data.batchSize()), order.length));
    }

    /**
     * Stores an uploaded zip as a folder set of {@code owner}, named {@code name} in its menu and
     * {@code folder:<name>-<random>} in experiments.
     *
     * @throws ImageDataException with a message for the user; nothing is stored then
     */
    public ImageFolders.Imported importZip(InputStream zip, String name, String owner) {
        ImageFolders.Limits d = ImageFolders.Limits.DEFAULT;
        ImageFolders.Limits l = new ImageFolders.Limits(Math.min(d.maxArchiveBytes(), limits.maxUploadBytes()),
                d.maxUnpackedBytes(), d.maxEntries(), Math.min(d.maxImages(), limits.maxImages()), d.maxWidth(),
                d.maxHeight(), d.maxPixelBytes());
        ImageFolders.Imported imported;
        try {
            imported = ImageFolders.importZip(zip, unguessable(name), dataDir, l, false);
        } catch (ImageDataException e) {
            throw new ImageDataException(withoutServerPath(e.getMessage()), e);
        }
        owners.record(imported.id(), owner, name);
        synchronized (cache) {
            cache.keySet().removeIf(k -> k.id().equals(imported.id()));
        }
        return imported;
    }

    /** Removes uploaded folder set {@code id} ({@code folder:<name>}) and what is cached of it; {@link OwnedData} decides who may. */
    void deleteFolder(String id) {
        ImageFolders.delete(ImageSets.folderName(id), dataDir);
        synchronized (cache) {
            cache.keySet().removeIf(k -> k.id().equals(id));
        }
    }

    /** What stored folder set {@code id} holds, read from its headers. */
    ImageFolders.Stored describeFolder(String id) {
        return ImageFolders.describe(ImageSets.folderName(id), dataDir);
    }

    /** {@code name-<16 random characters>}, within the longest name a folder set may have. */
    static String unguessable(String name) {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        String suffix = "-" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        int room = ImageFolders.MAX_NAME_LENGTH - suffix.length();
        return (name.length() > room ? name.substring(0, room) : name) + suffix;
    }

    /**
     * A data message for the page, with the server's data folder named as such: where a file should go
     * is said relative to it ({@code <data folder>/cifar10}), and the server's own paths stay private.
     */
    String withoutServerPath(String message) {
        return message == null ? null : message.replace(dataDir.toString(), DATA_FOLDER);
    }

    /** A name for an uploaded file's set: its base name with only the characters set names allow. */
    public static String folderName(String fileName) {
        String base = fileName == null ? "" : fileName.replaceAll("(?i)\\.zip$", "");
        int slash = Math.max(base.lastIndexOf('/'), base.lastIndexOf('\\'));
        base = base.substring(slash + 1).replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^[^A-Za-z0-9]+", "");
        if (base.length() > ImageFolders.MAX_NAME_LENGTH) {
            base = base.substring(0, ImageFolders.MAX_NAME_LENGTH);
        }
        return base.isEmpty() ? "upload" : base.toLowerCase(Locale.ROOT);
    }
}
