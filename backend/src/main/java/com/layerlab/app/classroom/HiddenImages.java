package com.layerlab.app.classroom;

import com.layerlab.datasets.ImageSet;
import com.layerlab.datasets.ImageSets;
import com.layerlab.datasets.Shapes;
import com.layerlab.engine.experiment.DataSets;
import com.layerlab.engine.experiment.DataSpec;
import com.layerlab.engine.experiment.Experiment;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hidden test images a CNN lab challenge is scored on, which no page is ever sent:
 * <ul>
 *   <li>for the generated {@code shapes}: {@value #IMAGES} fresh images from another seed, drawn from the
 *       push's id and the server's secret ({@link ChallengeScorer#hiddenSeed}, as the playground's hidden
 *       points), never the run's own data seed;</li>
 *   <li>for a built-in set (mnist, fashion-mnist, cifar10) that the run loads only part of (its data option
 *       {@code limit} under the set's size): up to {@value #IMAGES} of the images past its limit, which it
 *       never loads. A set cut by a limit has no official split (ImageSet.limit), so the run shuffles its
 *       first {@code limit} images into training and test and every image past them is new to it, be it
 *       an official training or test image;</li>
 *   <li>otherwise (the whole set, an uploaded folder): none, the run is scored on its own test images.</li>
 * </ul>
 * Loaded sets are kept per push and data (at most {@value #CACHED}: {@value #IMAGES} images of 3x32x32
 * are 1.5 MB) and let go once their push is no longer a current challenge ({@link #retain}). Thread-safe:
 * the scorer's thread and the pages ({@link ChallengeScorer#hiddenSplitText}) share it.
 */
final class HiddenImages {

    private static final Logger LOG = LoggerFactory.getLogger(HiddenImages.class);

    /** The most hidden images a challenge is scored on. */
    static final int IMAGES = ChallengeScorer.HIDDEN_POINTS;
    private static final int CACHED = 8;

    /** What a run of an experiment is scored on. */
    enum Kind {
        /** fresh generated images from another seed */
        GENERATED,
        /** the built-in set's images past the run's limit */
        PAST_LIMIT,
        /** the run's own test split */
        OWN_TEST
    }

    /** @param limit the run's limit (PAST_LIMIT), else 0; @param seed the generator's seed (GENERATED), else 0 */
    private record Key(long pushId, String dataset, int limit, long seed) {
    }

    private final Path dataDir;
    private final long secret;
    /** Per push and data: the hidden images, or empty where there are none (scored on the run's test split). */
    private final Map<Key, Optional<ImageSet>> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Optional<ImageSet>> eldest) {
            return size() > CACHED;
        }
    };

    /**
     * @param dataDir the data folder (cifar10/, fashion-mnist/ inside); null: the committed and generated sets only
     * @param secret  mixed into the generated images' seed
     */
    HiddenImages(Path dataDir, long secret) {
        this.dataDir = dataDir;
        this.secret = secret;
    }

    /** Which hidden images a run of {@code e} is scored on, from its data section alone (nothing loaded). */
    static Kind kind(Experiment e) {
        String id = e.data().dataset();
        if (ImageSets.SHAPES.equals(id)) {
            return Kind.GENERATED;
        }
        return ImageSets.IDS.contains(id) && limit(e.data()) > 0 ? Kind.PAST_LIMIT : Kind.OWN_TEST;
    }

    /**
     * The hidden images of push {@code pushId} for a run of {@code e}; empty: the run is scored on its own
     * test split (no limit, a limit at or over the set's size, an uploaded folder, or a set that did not load).
     */
    Optional<ImageSet> of(long pushId, Experiment e) {
        DataSpec d = e.data();
        Kind kind = kind(e);
        if (kind == Kind.OWN_TEST) {
            return Optional.empty();
        }
        Key key = kind == Kind.GENERATED
                ? new Key(pushId, d.dataset(), 0, ChallengeScorer.hiddenSeed(pushId, secret, d.dataSeed(e.seed())))
                : new Key(pushId, d.dataset(), limit(d), 0);
        synchronized (cache) {
            Optional<ImageSet> hit = cache.get(key);
            if (hit == null) {
                // made under the lock: a page and the scorer asking at once load it once (the set's first limit + 500
                // images are read and dropped: a second at most, for a large limit of the full Fashion-MNIST)
                hit = load(key, kind);
                cache.put(key, hit);
            }
            return hit;
        }
    }

    /** Lets go of the images of every push but {@code current} (the challenges still scored). */
    void retain(Set<Long> current) {
        synchronized (cache) {
            cache.keySet().removeIf(k -> !current.contains(k.pushId()));
        }
    }

    /** Pushes whose images are held now, for tests. */
    int held() {
        synchronized (cache) {
            return cache.size();
        }
    }

    private Optional<ImageSet> load(Key key, Kind kind) {
        try {
            return kind == Kind.GENERATED ? Optional.of(generated(key.seed())) : pastLimit(key.dataset(), key.limit(), dataDir);
        } catch (RuntimeException e) {
            // the run itself cannot load such a set either: it is scored on its test split, should it train
            LOG.warn("The hidden images of challenge {} ({}) did not load: {}", key.pushId(), key.dataset(), e.toString());
            return Optional.empty();
        }
    }

    /** {@value #IMAGES} shapes generated from {@code seed}. */
    static ImageSet generated(long seed) {
        return Shapes.generate(IMAGES, seed);
    }

    /**
     * Up to {@value #IMAGES} images of built-in set {@code dataset} right after its first {@code limit}, which
     * a run with that limit never loads; empty when the set has no more than {@code limit}.
     */
    static Optional<ImageSet> pastLimit(String dataset, int limit, Path dataDir) {
        int upTo = (int) Math.min((long) limit + IMAGES, ImageSets.MAX_LIMIT);
        ImageSet more = DataSets.load(new DataSpec(dataset, Map.of(ImageSets.LIMIT, upTo), null, 0.8, 1, false, false),
                0, dataDir);
        if (more.size() <= limit) {
            return Optional.empty();
        }
        return Optional.of(more.select(IntStream.range(limit, more.size()).toArray()));
    }

    /** The data section's {@code limit} option, 0 when it has none (or not a whole number). */
    static int limit(DataSpec d) {
        Object v = d.options().get(ImageSets.LIMIT);
        if (v instanceof Number n && n.doubleValue() >= 1 && n.doubleValue() == Math.rint(n.doubleValue())) {
            return (int) Math.min(n.longValue(), ImageSets.MAX_LIMIT);
        }
        return 0;
    }
}
