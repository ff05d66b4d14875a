package com.layerlab.app.ui.cnn;

import com.layerlab.app.lab.CnnDataService;
import com.layerlab.app.lab.CnnDataSettings;
import com.layerlab.app.lab.CnnInspection;
import com.layerlab.app.lab.CnnLimits;
import com.layerlab.app.ui.components.ImageGrid;
import com.layerlab.datasets.ImageDataException;
import com.layerlab.datasets.ImageFolders;
import com.layerlab.datasets.ImageSet;
import com.layerlab.datasets.ImageSets;
import com.layerlab.engine.experiment.DataSpec;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.ExperimentException;
import com.vaadin.flow.component.HasEnabled;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.upload.Upload;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.server.streams.UploadHandler;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The CNN lab's data panel: the image set and how the DataLoader deals it (a cap on the images,
 * batch_size, the train share, shuffle, drop_last), a first batch as it comes, and the upload of a zip
 * of one's own images.
 */
class CnnDataPanel extends Div {

    static final List<Integer> BATCH_SIZES = List.of(1, 8, 16, 32, 64, 128, 256, 512);
    static final List<Double> SPLITS = List.of(0.5, 0.6, 0.7, 0.75, 0.8, 0.9);
    private static final int BATCH_SHOWN = 32;

    private final CnnDataService data;
    private final int maxBatchSize;
    private final Select<String> dataset = new Select<>();
    private final IntegerField limit = new IntegerField();
    private final Select<Integer> batchSize = new Select<>();
    private final Select<Double> split = new Select<>();
    private final Checkbox shuffle = new Checkbox("shuffle");
    private final Checkbox dropLast = new Checkbox("drop_last");
    private final Span dataNote = new Span();
    private final ImageGrid batch = new ImageGrid();
    private final Upload upload;
    private final Div uploadMessage = new Div();
    /** The data section the controls show. */
    private DataSpec shown;
    /** Whether a class's challenge locks the data set (every control of the panel). */
    private boolean locked;
    /** Whether the set shown comes with its own split (the train share is then not a choice). */
    private boolean officialSplit;

    /**
     * @param ownerKey   whose upload a zip becomes (read on the upload's request thread)
     * @param onDataset  another set picked from the menu
     * @param edit       a change of the data section (loader settings, the cap on the images)
     * @param onUploaded a zip stored as a set of the owner's
     */
    CnnDataPanel(CnnDataService data, Supplier<String> ownerKey, Consumer<String> onDataset,
                 Consumer<UnaryOperator<Experiment>> edit, Consumer<ImageFolders.Imported> onUploaded) {
        this.data = data;
        CnnLimits limits = data.limits();
        this.maxBatchSize = limits.maxBatchSize();
        dataset.setId("cnn-dataset");
        dataset.setLabel("Data set");
        dataset.setWidthFull();
        dataset.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                onDataset.accept(e.getValue());
            }
        });

        limit.setId("cnn-limit");
        limit.setMin(1);
        limit.setMax(ImageSets.MAX_LIMIT);
        limit.setClearButtonVisible(true);
        limit.setValueChangeMode(ValueChangeMode.LAZY);
        limit.addValueChangeListener(e -> {
            if (e.isFromClient()) {
                // the data set judges the value: one it refuses fails the load, which disables Train and says why
                String option = CnnDataSettings.sizeOption(shown.dataset());
                edit.accept(x -> x.withData(x.data().withOption(option, e.getValue())));
                int max = ImageSets.maxOption(shown.dataset(), option);
                boolean bad = e.getValue() != null && (e.getValue() < 1 || e.getValue() > max);
                limit.setInvalid(bad);
                limit.setErrorMessage(bad ? String.format(Locale.ROOT, "From 1 to %,d", max) : null);
            }
        });

        batchSize.setId("cnn-batch-size");
        batchSize.setLabel("batch_size");
        batchSize.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                edit.accept(x -> x.withData(x.data().withBatchSize(e.getValue())));
            }
        });
        split.setId("cnn-split");
        split.setLabel("Train share");
        split.setItems(SPLITS);
        split.setItemLabelGenerator(f -> Math.round(f * 100) + " %");
        split.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                edit.accept(x -> x.withData(x.data().withTrainFraction(e.getValue())));
            }
        });
        shuffle.setId("cnn-shuffle");
        shuffle.addValueChangeListener(e -> {
            if (e.isFromClient()) {
                edit.accept(x -> x.withData(x.data().withShuffle(e.getValue())));
            }
        });
        dropLast.setId("cnn-drop-last");
        dropLast.setTooltipText("Leave out the last, smaller batch of each epoch");
        dropLast.addValueChangeListener(e -> {
            if (e.isFromClient()) {
                edit.accept(x -> x.withData(x.data().withDropLast(e.getValue())));
            }
        });
        dataNote.setId("cnn-data-note");
        dataNote.addClassName("ll-hint");

        batch.setId("cnn-batch");
        batch.setTileSize(44);
        batch.setEmptyText("No images to show.");

        upload = new Upload(UploadHandler.inMemory((meta, bytes) -> {
            // decode and store on the upload's request thread; only the page changes under its lock
            String error = null;
            ImageFolders.Imported imported = null;
            try {
                imported = data.importZip(new ByteArrayInputStream(bytes), CnnDataService.folderName(meta.fileName()),
                        ownerKey.get());
            } catch (ImageDataException | ExperimentException e) {
                error = e.getMessage();
            } catch (RuntimeException e) {
                error = "the file could not be read as a zip of images";
            }
            String fileName = meta.fileName();
            ImageFolders.Imported done = imported;
            String problem = error;
            getUI().ifPresent(ui -> ui.access(() -> uploaded(fileName, done, problem, onUploaded)));
        }));
        upload.setId("cnn-upload");
        upload.setAcceptedFileTypes(".zip", "application/zip", "application/x-zip-compressed");
        upload.setMaxFiles(1);
        upload.setMaxFileSize((int) Math.min(Integer.MAX_VALUE, limits.maxUploadBytes()));
        upload.setDropLabel(new Span("or drop a zip: one folder of PNG/JPEG images per class (up to "
                + (limits.maxUploadBytes() >> 20) + " MB)"));
        upload.addFileRejectedListener(e -> showUploadMessage("\"" + e.getFileName() + "\" was not uploaded: "
                + (e.getErrorMessage() == null ? "" : e.getErrorMessage().replaceAll("\\.$", "").toLowerCase(Locale.ROOT))
                + ". Use a .zip of at most " + (limits.maxUploadBytes() >> 20) + " MB (layerlab.cnn.max-upload-mb).", true));
        uploadMessage.setId("cnn-upload-message");
        uploadMessage.addClassName("cnn-message");
        uploadMessage.setVisible(false);

        Div row1 = new Div(limit, batchSize);
        row1.addClassName("cnn-pair");
        Div loaderFlags = new Div(shuffle, dropLast);
        loaderFlags.addClassName("cnn-flags");
        Div row2 = new Div(split, loaderFlags);
        row2.addClassNames("cnn-pair", "cnn-pair-end");
        Span batchTitle = new Span("A batch, as the DataLoader deals it");
        batchTitle.addClassName("cnn-subtitle");
        add(CnnCards.section("Data"), dataset, row1, row2, dataNote, batchTitle, batch, upload, uploadMessage);
        addClassNames("ll-panel", "cnn-data");
    }

    /** The data section in the controls, with the menu of sets ({@link CnnDataService#choices(String, String)}). */
    void show(DataSpec d, List<CnnDataService.Choice> choices) {
        shown = d;
        Map<String, String> labels = new LinkedHashMap<>();
        choices.forEach(c -> labels.put(c.id(), c.label()));
        dataset.setItems(new ArrayList<>(labels.keySet()));
        dataset.setItemLabelGenerator(id -> labels.getOrDefault(id, id));
        dataset.setValue(d.dataset());
        String option = CnnDataSettings.sizeOption(d.dataset());
        limit.setLabel(option);
        limit.setPlaceholder(option.equals(ImageSets.SAMPLES) ? "10000" : "all");
        Object n = d.options().get(option);
        limit.setValue(n instanceof Number num ? num.intValue() : null);
        limit.setInvalid(false);
        List<Integer> sizes = new ArrayList<>(BATCH_SIZES.stream().filter(s -> s <= maxBatchSize).toList());
        if (!sizes.contains(d.batchSize())) {
            sizes.add(d.batchSize());
            sizes.sort(Integer::compare);
        }
        batchSize.setItems(sizes);
        batchSize.setValue(d.batchSize());
        List<Double> splits = new ArrayList<>(SPLITS);
        if (!splits.contains(d.trainFraction())) {
            splits.add(d.trainFraction());
            splits.sort(Double::compare);
        }
        split.setItems(splits);
        split.setValue(d.trainFraction());
        shuffle.setValue(d.shuffle());
        dropLast.setValue(d.dropLast());
    }

    /** Disables (or enables again) every control of the data section: a class's challenge locks the data set. */
    void lock(boolean on) {
        locked = on;
        for (HasEnabled c : List.of(dataset, limit, batchSize, shuffle, dropLast, upload)) {
            c.setEnabled(!on);
        }
        split.setEnabled(!officialSplit && !on);
    }

    /** A set loaded: what the training check needs to know of it (null when it cannot be loaded), or why not. */
    record Loaded(CnnInspection.DataInfo info, String error) {
        static final Loaded NONE = new Loaded(null, null);

        /** The shape of an image of the set, null when it cannot be loaded. */
        int[] shape() {
            return info == null ? null : info.shape();
        }
    }

    /** Loads the set {@code d} describes ({@code seed} generates shapes) and shows it, or why it cannot be loaded. */
    Loaded load(DataSpec d, long seed) {
        try {
            ImageSet set = data.load(d, seed);
            showLoaded(set, d, seed);
            return new Loaded(new CnnInspection.DataInfo(d.dataset(), set.size(), set.classes(), set.shape()), null);
        } catch (ExperimentException | ImageDataException ex) {
            batch.setTiles(List.of());
            dataNote.setText(ex.getMessage());
            dataNote.addClassName("cnn-error-text");
            return new Loaded(null, ex.getMessage());
        }
    }

    /** Its first batch and what it holds, split as a training run splits it. */
    private void showLoaded(ImageSet set, DataSpec d, long seed) {
        List<ImageGrid.Tile> tiles = new ArrayList<>();
        for (int i : CnnDataService.firstBatch(set, d, seed, BATCH_SHOWN)) {
            tiles.add(CnnImages.dataImage(set, i));
        }
        batch.setTiles(tiles);
        CnnDataSettings.Split s = CnnDataSettings.split(set, d.trainFraction());
        officialSplit = s.official();
        split.setEnabled(!officialSplit && !locked);
        split.setTooltipText(s.official() ? "This set comes with its own train/test split, which is used" : null);
        dataNote.setText(String.format(Locale.ROOT, "%,d images %s, %d classes; %,d to train on, %,d to test%s. "
                        + "%s Showing %d of a batch of %d.", set.size(), CnnInspection.shape(set.shape()), set.classes(),
                s.train(), s.test(), s.official() ? " (the official split)" : "", batchesText(s.train(), d), tiles.size(),
                d.batchSize()));
        dataNote.removeClassName("cnn-error-text");
    }

    private void uploaded(String fileName, ImageFolders.Imported imported, String error,
                          Consumer<ImageFolders.Imported> onUploaded) {
        upload.clearFileList();
        if (error != null) {
            showUploadMessage("\"" + fileName + "\" was not added: " + error.replaceAll("\\.$", "") + ". Nothing was changed.", true);
            return;
        }
        showUploadMessage(String.format(Locale.ROOT, "Added \"%s\": %,d images %s in %d classes (%s).",
                CnnDataService.folderName(fileName), imported.images(), CnnInspection.shape(new int[] {imported.channels(),
                        imported.height(), imported.width()}), imported.classNames().size(),
                String.join(", ", imported.classNames())), false);
        onUploaded.accept(imported);
    }

    private void showUploadMessage(String text, boolean error) {
        uploadMessage.setText(text);
        uploadMessage.setClassName("cnn-ok", !error);
        uploadMessage.setVisible(true);
    }

    /** How the DataLoader cuts an epoch into batches, and what drop_last does to the short one. */
    static String batchesText(int train, DataSpec d) {
        int b = d.batchSize();
        int full = train / b;
        int rest = train % b;
        if (train == 0) {
            return "There are no images to train on.";
        }
        if (rest == 0) {
            return String.format(Locale.ROOT, "An epoch is %s of %d.", count(full, "batch", "batches"), b);
        }
        if (d.dropLast()) {
            return full == 0
                    ? String.format(Locale.ROOT, "An epoch has no batches: drop_last leaves out all %s, fewer than "
                            + "one batch of %d.", count(rest, "image", "images"), b)
                    : String.format(Locale.ROOT, "An epoch is %s of %d; drop_last leaves out the last %s.",
                            count(full, "batch", "batches"), b, rest == 1 ? "image" : rest + " images");
        }
        if (full == 0) {
            return String.format(Locale.ROOT, "An epoch is 1 batch of %s (fewer than the batch size, %d).",
                    count(rest, "image", "images"), b);
        }
        return String.format(Locale.ROOT, "An epoch is %,d batches: %s of %d and a last one of %d.", full + 1,
                full == 1 ? "one" : String.format(Locale.ROOT, "%,d", full), b, rest);
    }

    private static String count(int n, String one, String many) {
        return String.format(Locale.ROOT, "%,d %s", n, n == 1 ? one : many);
    }
}
