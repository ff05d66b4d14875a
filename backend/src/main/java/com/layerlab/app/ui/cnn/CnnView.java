package com.layerlab.app.ui.cnn;

import com.layerlab.app.account.CurrentOwner;
import com.layerlab.app.lab.CnnDataService;
import com.layerlab.app.lab.CnnInspection;
import com.layerlab.app.lab.CnnLayerTypes;
import com.layerlab.app.lab.CnnLimits;
import com.layerlab.app.lab.CnnLinks;
import com.layerlab.app.lab.CnnPresets;
import com.layerlab.app.lab.CompareActivation;
import com.layerlab.app.lab.ForkStart;
import com.layerlab.app.lab.RunIdentity;
import com.layerlab.app.lab.ShareLinks;
import com.layerlab.app.store.ExperimentStore;
import com.layerlab.app.store.Page;
import com.layerlab.app.store.SavedExperiment;
import com.layerlab.app.store.StoreException;
import com.layerlab.app.training.CnnFrames;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunOptions;
import com.layerlab.app.training.RunStatus;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.app.ui.Downloads;
import com.layerlab.app.ui.MainLayout;
import com.layerlab.app.ui.PageWatch;
import com.layerlab.app.ui.RunOnPage;
import com.layerlab.app.ui.components.GradientChart;
import com.layerlab.app.ui.components.ImageGrid;
import com.layerlab.app.ui.components.LossChart;
import com.layerlab.app.ui.components.PyTorchExportDialog;
import com.layerlab.app.ui.components.StepTable;
import com.layerlab.app.ui.runs.RunPages;
import com.layerlab.app.ui.store.SaveExperimentDialog;
import com.layerlab.datasets.ImageDataException;
import com.layerlab.datasets.ImageFolders;
import com.layerlab.datasets.ImageSet;
import com.layerlab.datasets.ImageSets;
import com.layerlab.datasets.Points2D;
import com.layerlab.engine.experiment.DataSpec;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.ExperimentException;
import com.layerlab.engine.experiment.OptimizerSpec;
import com.layerlab.engine.train.EpochStats;
import com.layerlab.engine.train.StepReport;
import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.dependency.CssImport;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.upload.Upload;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import com.vaadin.flow.server.streams.UploadHandler;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The CNN lab: build a network layer by layer (each layer's shape, parameters and size formula as
 * you type), pick the images, train on the server and watch it learn: curves, speed, a confusion
 * matrix, predictions, feature maps, filters and gradient sizes; compare ReLU, Tanh and Sigmoid on
 * the same network; share the whole experiment as a link.
 */
@AnonymousAllowed
@Route(value = CnnLinks.ROUTE, layout = MainLayout.class)
@PageTitle("CNN lab | LayerLab")
@CssImport("./components/cnn-view.css")
public class CnnView extends Div implements BeforeEnterObserver {

    static final List<Double> LEARNING_RATES = List.of(0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3);
    static final List<Integer> BATCH_SIZES = List.of(1, 8, 16, 32, 64, 128, 256, 512);
    static final List<Double> SPLITS = List.of(0.5, 0.6, 0.7, 0.75, 0.8, 0.9);
    private static final String TRAIN_COLOR = "#0877bd";
    private static final String TEST_COLOR = "#f59322";
    private static final List<Integer> DASH = List.of(6, 4);
    private static final int BATCH_SHOWN = 32;
    private static final String NO_GUESSES_YET = "Test images and the model's top-3 guesses appear once training starts.";

    /** Where a reload finds this page's run: its id, in the page's session. */
    private static final String RUN_ATTRIBUTE = "layerlab.cnn.run";

    private final TrainingRuntime runtime;
    private final CnnDataService data;
    private final ExperimentStore store;
    private final CurrentOwner owner;
    /** A fork's saved model and weights; used while the editor still holds that model. */
    private ForkStart fork = ForkStart.NONE;
    private final Button save = new Button("Save", VaadinIcon.CLOUD_UPLOAD_O.create());
    private final CnnLimits limits;

    private CnnLinks.State state = CnnLinks.DEFAULTS;
    private CnnInspection.Result inspection;
    private String trainProblem;
    /** The run this page shows (it is its owner's, not the page's: it may outlive the page). */
    private final RunOnPage<CnnFrames.Frame> shown;
    private CnnFrames frames;
    private CnnFrames.Phase phase;
    private List<String> shownRunNames = List.of();
    private int shownPoints = -1;
    private List<CnnFrames.Guess> guesses = List.of();
    private List<CnnFrames.Planes> guessImages = List.of();
    /** The positions in {@code guesses} of the tiles shown, in order (all, or the wrong ones only). */
    private List<Integer> shownGuesses = List.of();
    private List<String> classNames = List.of();
    private int chosen;
    private String loadedData;
    private int[] dataShape;
    private CnnInspection.DataInfo dataInfo;
    private String dataError;

    // header and toolbar
    private final Div linkError = new Div();
    private final Select<CnnPresets.Preset> preset = new Select<>();
    private final Span presetDescription = new Span();
    private final Button train = new Button("Train", VaadinIcon.PLAY.create());
    private final Button pause = new Button("Pause", VaadinIcon.PAUSE.create());
    private final Button stop = new Button("Stop", VaadinIcon.STOP.create());
    private final Button step = new Button("Step", VaadinIcon.STEP_FORWARD.create());
    private final StepTable stepTable = new StepTable();
    private List<CnnFrames.RunHistory> lastRuns = List.of();
    private final IntegerField epochs = new IntegerField("Epochs");
    private final Select<String> optimizer = new Select<>();
    private final Select<Double> learningRate = new Select<>();
    private final Checkbox compare = new Checkbox("Compare ReLU, Tanh, Sigmoid");
    private final Anchor shareLink = new Anchor();
    private final Button copyLink = new Button("Copy link", VaadinIcon.LINK.create());
    private final Button export = new Button("Export to PyTorch", VaadinIcon.CODE.create());
    private final Div problem = new Div();
    // data
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
    // model
    private final CnnLayerEditor editor = new CnnLayerEditor();
    // training
    private final Span status = new Span();
    private final ProgressBar progress = new ProgressBar();
    private final Span epochText = new Span();
    private final Span speed = new Span();
    private final Span eta = new Span();
    private final Anchor logs = new Anchor();
    /** The training whose TensorBoard files a download gets (read on the download's request thread). */
    private volatile Run<CnnFrames.Frame> logged;
    /** Which run of a comparison the details below the charts show. */
    private final Select<Integer> detailsRun = new Select<>();
    private int shownRun;
    private List<CnnFrames.Details> lastDetails = List.of();
    /** Per run: the epochs and the batch-loss points the charts have. */
    private int[] chartedEpochs = new int[0];
    private int[] chartedBatchPoints = new int[0];
    private final LossChart lossChart = new LossChart();
    private final LossChart accuracyChart = new LossChart();
    private final GradientChart gradientChart = new GradientChart();
    private final CnnConfusionMatrix confusion = new CnnConfusionMatrix();
    private final Span confusionTitle = new Span();
    private final ImageGrid predictions = new ImageGrid();
    private final Checkbox wrongOnly = new Checkbox("Wrong predictions only");
    private final Select<Integer> imageSize = new Select<>();
    private final ImageGrid filters = new ImageGrid();
    private final CnnFeatureMaps featureMaps = new CnnFeatureMaps();
    private final Span featureTitle = new Span();

    public CnnView(TrainingRuntime runtime, PageWatch pages, CnnDataService data, ExperimentStore store,
                   CurrentOwner owner) {
        this.runtime = runtime;
        this.shown = new RunOnPage<>(runtime, pages, RUN_ATTRIBUTE, CnnFrames.class, true);
        this.data = data;
        this.store = store;
        this.owner = owner;
        this.limits = data.limits();
        setId("cnn-view");
        addClassName("cnn-view");

        H2 title = new H2("CNN lab");
        title.addClassName("cnn-title");
        Paragraph intro = new Paragraph("Stack the layers of a convolutional network, see every layer's output shape "
                + "and parameter count as you type, then train it on real images and watch what it learns.");
        intro.addClassName("cnn-intro");
        linkError.setId("cnn-link-error");
        linkError.addClassName("cnn-message");
        linkError.getElement().setAttribute("role", "alert");
        linkError.setVisible(false);

        upload = new Upload(UploadHandler.inMemory((meta, bytes) -> {
            // decode and store on the upload's request thread; only the page changes under its lock
            String name = CnnDataService.folderName(meta.fileName());
            String error = null;
            ImageFolders.Imported imported = null;
            try {
                imported = data.importZip(new ByteArrayInputStream(bytes), name, owner.key());
            } catch (ImageDataException | ExperimentException e) {
                error = e.getMessage();
            } catch (RuntimeException e) {
                error = "the file could not be read as a zip of images";
            }
            String fileName = meta.fileName();
            ImageFolders.Imported done = imported;
            String problemText = error;
            getUI().ifPresent(ui -> ui.access(() -> uploaded(fileName, done, problemText)));
        }));

        Div head = new Div(title, intro);
        head.addClassName("cnn-head");
        Div body = new Div(dataPanel(), modelPanel());
        body.addClassName("cnn-body");
        add(head, linkError, toolbar(), problem, body, trainingPanel());
        showState();
    }

    // ---- layout ------------------------------------------------------------------------------------

    private Div toolbar() {
        preset.setId("cnn-preset");
        preset.setLabel("Preset");
        preset.setItems(CnnPresets.all(data.cifar10Present()));
        preset.setItemLabelGenerator(CnnPresets.Preset::title);
        preset.setPlaceholder("Custom");
        preset.setWidth("17em");
        preset.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                state = new CnnLinks.State(e.getValue().experiment(), state.comparing() && CnnLinks.hasActivation(
                        e.getValue().experiment()) ? state.compare() : List.of());
                linkError.setVisible(false);
                showState();
            }
        });
        presetDescription.setId("cnn-preset-description");
        presetDescription.addClassName("cnn-preset-description");

        train.setId("cnn-train");
        train.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        train.addClickListener(e -> startTraining());
        pause.setId("cnn-pause");
        pause.addClickListener(e -> {
            Run<CnnFrames.Frame> run = shown.run();
            if (run == null) {
                return;
            }
            if (run.isPaused()) {
                run.play();
                pause.setText("Pause");
                pause.setIcon(VaadinIcon.PAUSE.create());
            } else {
                run.pause();
                pause.setText("Resume");
                pause.setIcon(VaadinIcon.PLAY.create());
            }
        });
        stop.setId("cnn-stop");
        stop.addThemeVariants(ButtonVariant.LUMO_ERROR);
        stop.addClickListener(e -> {
            if (shown.run() != null) {
                shown.run().stop();
                stop.setEnabled(false);
                pause.setEnabled(false);
            }
        });
        pause.setEnabled(false);
        stop.setEnabled(false);
        step.setId("cnn-step");
        step.setTooltipText("Train one batch, then pause: see that step's gradients and weight update");
        step.addClickListener(e -> {
            if (!isRunning()) {
                startTraining();
            }
            if (shown.run() != null) {
                shown.run().step();
            }
        });

        epochs.setId("cnn-epochs");
        epochs.setMin(1);
        epochs.setMax(limits.maxEpochs());
        epochs.setStepButtonsVisible(true);
        epochs.setWidth("7.5em");
        epochs.setValueChangeMode(ValueChangeMode.LAZY);
        epochs.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                setExperiment(state.experiment().withEpochs(e.getValue()));
            }
        });

        optimizer.setId("cnn-optimizer");
        optimizer.setLabel("Optimizer");
        optimizer.setItems(OptimizerSpec.TYPES);
        optimizer.setWidth("7em");
        optimizer.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                double lr = state.experiment().optimizer().lr();
                setExperiment(state.experiment().withOptimizer(e.getValue().equals(OptimizerSpec.ADAM)
                        ? OptimizerSpec.adam(lr) : OptimizerSpec.sgd(lr, 0.9, 0, false)));
            }
        });

        learningRate.setId("cnn-lr");
        learningRate.setLabel("Learning rate");
        learningRate.setWidth("8em");
        learningRate.setItemLabelGenerator(CnnView::rate);
        learningRate.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                setExperiment(state.experiment().withOptimizer(state.experiment().optimizer().withLr(e.getValue())));
                if (shown.run() != null && shown.run().isAlive()) {
                    // the running training takes it from its next batch
                    shown.run().setLearningRate(e.getValue());
                }
            }
        });

        compare.setId("cnn-compare");
        compare.addValueChangeListener(e -> {
            if (e.isFromClient()) {
                state = new CnnLinks.State(state.experiment(), e.getValue() ? CnnLayerTypes.ACTIVATIONS : List.of());
                refresh(false);
            }
        });

        shareLink.setId("cnn-share-link");
        shareLink.setText("Link to this experiment");
        shareLink.addClassName("cnn-share-link");
        copyLink.setId("cnn-copy-link");
        copyLink.addThemeVariants(ButtonVariant.LUMO_SMALL);
        copyLink.addClickListener(e -> getElement().executeJs(
                "const url = new URL($0, document.baseURI).href;"
                        + "return (navigator.clipboard ? navigator.clipboard.writeText(url) : Promise.reject())"
                        + ".then(() => true, () => false);", CnnLinks.location(state))
                .then(Boolean.class, ok -> Notification.show(Boolean.TRUE.equals(ok)
                                ? "Link copied: whoever opens it gets this experiment, layers, data and settings."
                                : "Copying was not allowed here: use \"Link to this experiment\" instead.", 3000,
                        Notification.Position.BOTTOM_START)));

        export.setId("cnn-export");
        export.addThemeVariants(ButtonVariant.LUMO_SMALL);
        export.setTooltipText("The model as PyTorch code, and its weights as a safetensors file");
        export.addClickListener(e -> openExport());

        Div transport = new Div(train, step, pause, stop);
        transport.addClassName("cnn-transport");
        save.setId("cnn-save");
        save.addThemeVariants(ButtonVariant.LUMO_SMALL);
        save.setTooltipText("Save this model with what its training learned, and get a short link to it");
        save.addClickListener(e -> openSave());
        Div links = new Div(shareLink, copyLink, save, export);
        links.addClassName("cnn-links");
        Div controls = new Div(preset, epochs, optimizer, learningRate, compare, transport);
        controls.addClassName("cnn-toolbar-row");
        Div about = new Div(presetDescription, links);
        about.addClassName("cnn-toolbar-about");
        Div bar = new Div(controls, about);
        bar.addClassNames("ll-panel", "cnn-toolbar");

        problem.setId("cnn-train-problem");
        problem.addClassName("cnn-problem");
        return bar;
    }

    private Div dataPanel() {
        dataset.setId("cnn-dataset");
        dataset.setLabel("Data set");
        dataset.setWidthFull();
        dataset.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                DataSpec d = state.experiment().data();
                Map<String, Object> options = new LinkedHashMap<>();
                // keep a quick run quick: carry a limit over, as samples for the generated shapes
                Object n = d.options().getOrDefault(ImageSets.LIMIT, d.options().get(ImageSets.SAMPLES));
                if (n != null) {
                    options.put(e.getValue().equals(ImageSets.SHAPES) ? ImageSets.SAMPLES : ImageSets.LIMIT, n);
                } else if (e.getValue().equals(ImageSets.SHAPES)) {
                    options.put(ImageSets.SAMPLES, CnnPresets.SHAPES_SAMPLES);
                }
                setExperiment(followingData(state.experiment()).withData(new DataSpec(e.getValue(), options, null,
                        d.trainFraction(), d.batchSize(), d.shuffle(), d.dropLast())));
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
                setExperiment(state.experiment().withData(state.experiment().data().withOption(optionName(), e.getValue())));
                int max = ImageSets.maxOption(state.experiment().data().dataset(), optionName());
                boolean bad = e.getValue() != null && (e.getValue() < 1 || e.getValue() > max);
                limit.setInvalid(bad);
                limit.setErrorMessage(bad ? String.format(Locale.ROOT, "From 1 to %,d", max) : null);
            }
        });

        batchSize.setId("cnn-batch-size");
        batchSize.setLabel("batch_size");
        batchSize.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                setExperiment(state.experiment().withData(state.experiment().data().withBatchSize(e.getValue())));
            }
        });
        split.setId("cnn-split");
        split.setLabel("Train share");
        split.setItems(SPLITS);
        split.setItemLabelGenerator(f -> Math.round(f * 100) + " %");
        split.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                setExperiment(state.experiment().withData(state.experiment().data().withTrainFraction(e.getValue())));
            }
        });
        shuffle.setId("cnn-shuffle");
        shuffle.addValueChangeListener(e -> {
            if (e.isFromClient()) {
                setExperiment(state.experiment().withData(state.experiment().data().withShuffle(e.getValue())));
            }
        });
        dropLast.setId("cnn-drop-last");
        dropLast.setTooltipText("Leave out the last, smaller batch of each epoch");
        dropLast.addValueChangeListener(e -> {
            if (e.isFromClient()) {
                setExperiment(state.experiment().withData(state.experiment().data().withDropLast(e.getValue())));
            }
        });
        dataNote.setId("cnn-data-note");
        dataNote.addClassName("ll-hint");

        batch.setId("cnn-batch");
        batch.setTileSize(44);
        batch.setEmptyText("No images to show.");

        upload.setId("cnn-upload");
        upload.setAcceptedFileTypes(".zip", "application/zip", "application/x-zip-compressed");
        upload.setMaxFiles(1);
        upload.setMaxFileSize((int) Math.min(Integer.MAX_VALUE, limits.maxUploadBytes()));
        upload.setDropLabel(new Span("or drop a zip: one folder of PNG/JPEG images per class (up to "
                + (limits.maxUploadBytes() >> 20) + " MB)"));
        upload.addFileRejectedListener(e -> showUploadMessage("\"" + e.getFileName() + "\" was not uploaded: "
                + (e.getErrorMessage() == null ? "" : e.getErrorMessage().replaceAll("\\.$", "").toLowerCase(Locale.ROOT))
                + ". Use a .zip of at most " + (limits.maxUploadBytes() >> 20) + " MB.", true));
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
        Div panel = new Div(section("Data"), dataset, row1, row2, dataNote, batchTitle, batch, upload, uploadMessage);
        panel.addClassNames("ll-panel", "cnn-data");
        return panel;
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

    private Div modelPanel() {
        editor.setLayersListener(layers -> setExperiment(state.experiment().withModel(layers), false));
        editor.setInputListener(shape -> setExperiment(state.experiment().withInputShape(shape), false));
        Span hint = new Span("Fields take PyTorch's names; leave one empty for PyTorch's default. A size is one number "
                + "or two (height, width).");
        hint.addClassName("ll-hint");
        Div panel = new Div(section("Model: nn.Sequential"), hint, editor);
        panel.addClassNames("ll-panel", "cnn-model");
        return panel;
    }

    private Div trainingPanel() {
        status.setId("cnn-status");
        status.addClassName("cnn-status");
        progress.setId("cnn-progress");
        progress.setMin(0);
        progress.setMax(1);
        progress.addClassName("cnn-progress");
        epochText.setId("cnn-epoch");
        speed.setId("cnn-speed");
        eta.setId("cnn-eta");
        for (Span s : List.of(epochText, speed, eta)) {
            s.addClassName("cnn-metric");
        }
        logs.setId("cnn-logs");
        logs.setText("TensorBoard logs (.zip)");
        logs.setHref(Downloads.runLogsZip(() -> logged, "layerlab-cnn-logs.zip"));
        logs.getElement().setAttribute("title", "This run's event files: unzip, then tensorboard --logdir <folder>");
        logs.addClassName("cnn-logs");
        logs.setVisible(false);
        Div bar = new Div(status, progress, epochText, speed, eta, logs);
        bar.addClassName("cnn-progress-row");

        lossChart.setId("cnn-loss-chart");
        lossChart.setHeightPx(180);
        lossChart.setYLabel("loss");
        accuracyChart.setId("cnn-accuracy-chart");
        accuracyChart.setHeightPx(180);
        accuracyChart.setYLabel("accuracy %");
        // while stepping, the loss has batch points inside an epoch that the accuracy does not have yet
        lossChart.setXGroup("cnn-epochs");
        accuracyChart.setXGroup("cnn-epochs");
        gradientChart.setId("cnn-gradient-chart");
        gradientChart.setChartHeight(180);
        confusion.setId("cnn-confusion");
        confusionTitle.setId("cnn-confusion-title");
        confusionTitle.addClassName("cnn-subtitle");
        confusionTitle.setText("Confusion matrix (test images)");
        predictions.setId("cnn-predictions");
        predictions.setTileSize(48);
        predictions.setSelectable(true);
        predictions.setEmptyText(NO_GUESSES_YET);
        predictions.addTileClickListener(e -> choose(e.index()));
        wrongOnly.setId("cnn-wrong-only");
        wrongOnly.addValueChangeListener(e -> showGuesses());
        imageSize.setId("cnn-image-size");
        imageSize.setLabel("Image size");
        imageSize.setTooltipText("Test images, filters and feature maps, larger for a projector");
        imageSize.addThemeVariants(com.vaadin.flow.component.select.SelectVariant.LUMO_SMALL);
        imageSize.setItems(1, 2, 3);
        imageSize.setItemLabelGenerator(z -> z + "\u00d7");
        imageSize.setValue(1);
        filters.setId("cnn-filters");
        filters.setTileSize(36);
        filters.setEmptyText("The first layer has no Conv2d filters to show.");
        featureMaps.setId("cnn-feature-maps");
        featureTitle.setId("cnn-feature-title");
        featureTitle.addClassName("cnn-subtitle");
        featureTitle.setText("Feature maps: pick a test image above");

        Div charts = new Div(card("Loss (solid: train, dashed: test)", lossChart),
                card("Accuracy % (solid: train, dashed: test)", accuracyChart),
                card("Gradient size per layer: mean |dL/dW| over the last epoch (log scale)", gradientChart));
        charts.addClassName("cnn-charts");
        Div confusionCard = card(null, confusionTitle, confusion);
        Div imageTools = new Div(wrongOnly, imageSize);
        imageTools.addClassName("cnn-image-tools");
        Div predictionCard = card("Test images: class, then the top-3 guesses (red: wrong); click one for its feature maps",
                imageTools, predictions);
        predictionCard.addClassName("cnn-wide");
        detailsRun.setId("cnn-details-run");
        detailsRun.setLabel("Details for");
        detailsRun.setWidth("11em");
        detailsRun.addThemeVariants(com.vaadin.flow.component.select.SelectVariant.LUMO_SMALL);
        detailsRun.setVisible(false);
        detailsRun.addValueChangeListener(e -> {
            if (e.getValue() != null && e.getValue() != shownRun) {
                shownRun = e.getValue();
                if (shownRun < lastDetails.size()) {
                    showDetails(lastDetails.get(shownRun));
                }
                if (phase != CnnFrames.Phase.TRAINING) {
                    showStep();
                }
            }
        });
        Span detailsHint = new Span("The last step, the confusion matrix, predictions, filters and feature maps below are of this run.");
        detailsHint.addClassName("ll-hint");
        Div detailsBar = new Div(detailsRun, detailsHint);
        detailsBar.setId("cnn-details-bar");
        detailsBar.addClassName("cnn-details-bar");
        detailsBar.setVisible(false);
        Div results = new Div(confusionCard, predictionCard);
        results.addClassName("cnn-results");
        Div mapsCard = card(null, featureTitle, featureMaps);
        mapsCard.addClassName("cnn-wide");
        Div filterCard = card("First layer's filters (kernels), as images", filters);
        Div inside = new Div(filterCard, mapsCard);
        inside.addClassName("cnn-results");

        stepTable.setId("cnn-step-table");
        Div stepCard = card("One step of gradient descent: the last batch, layer by layer", stepTable);
        stepCard.addClassName("cnn-step-card");
        Div panel = new Div(section("Training"), bar, charts, detailsBar, stepCard, results, inside);
        panel.setId("cnn-training");
        panel.addClassNames("ll-panel", "cnn-training");
        // the image grids below scale their pictures by this factor (cnn-image-grid.js)
        imageSize.addValueChangeListener(e -> panel.getStyle().set("--ll-image-zoom",
                String.valueOf(e.getValue() == null ? 1 : e.getValue())));
        return panel;
    }

    private static H3 section(String text) {
        H3 h = new H3(text);
        h.addClassName("ll-panel-title");
        return h;
    }

    private static Div card(String heading, Component... body) {
        Div d = new Div();
        d.addClassName("cnn-card");
        if (heading != null) {
            Span h = new Span(heading);
            h.addClassName("cnn-subtitle");
            d.add(h);
        }
        d.add(body);
        return d;
    }

    // ---- state -------------------------------------------------------------------------------------

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        ShareLinks.Parsed<CnnLinks.State> parsed = CnnLinks.parse(event.getLocation().getQueryParameters().getParameters());
        state = parsed.value();
        if (parsed.ok()) {
            linkError.setVisible(false);
        } else {
            linkError.setText(parsed.error() + " Opening the default experiment instead.");
            linkError.setVisible(true);
        }
        fork = ForkStart.NONE;
        List<String> forkId = event.getLocation().getQueryParameters().getParameters().get(ForkStart.PARAMETER);
        if (forkId != null && !forkId.isEmpty()) {
            openFork(forkId.get(0));
        }
        showState();
        // My runs' Open: ?run=<id> with the run's own settings in the link
        shown.openLinked(event.getLocation().getQueryParameters().getParameters(), owner.key(), RunPages.CNN,
                r -> RunIdentity.same(r.experiments(), runExperiments())).ifPresent(problem -> {
                    linkError.setText(problem);
                    linkError.setVisible(true);
                });
    }

    /** {@code ?fork=<id>}: the saved model; its next training starts from the saved weights (a new run). */
    private void openFork(String id) {
        try {
            java.util.Optional<SavedExperiment> saved = store.find(id, owner.key());
            if (saved.isEmpty() || saved.get().page() != Page.CNN) {
                linkError.setText("There is no saved CNN lab experiment \"" + id + "\" to fork (deleted, or private).");
                linkError.setVisible(true);
                return;
            }
            Experiment forked = store.experiment(saved.get());
            fork = new ForkStart(id, List.of(forked), List.of(saved.get().weights()));
            state = new CnnLinks.State(forked, List.of());
            linkError.setText("Forked \"" + saved.get().name() + "\": Train goes on from its weights (epoch "
                    + saved.get().trainedEpoch() + " when saved), as a new run.");
            linkError.setVisible(true);
        } catch (StoreException e) {
            linkError.setText(e.getMessage());
            linkError.setVisible(true);
        }
    }

    /** "Save": the model with the weights, metrics and TensorBoard files of the run whose details are shown. */
    private void openSave() {
        Run<CnnFrames.Frame> t = shown.run();
        boolean trained = t != null && t.isAlive() && phase != null && phase != CnnFrames.Phase.FAILED
                && phase != CnnFrames.Phase.LOADING && phase != CnnFrames.Phase.WAITING
                && RunIdentity.same(t.experiments(), runExperiments());
        if (!trained) {
            Notification.show("Train first: Save keeps what a training of this model learned.", 4000,
                    Notification.Position.MIDDLE);
            return;
        }
        int run = shownRun < t.experiments().size() ? shownRun : 0;
        Experiment e = t.experiments().get(run);
        String name = (e.name() == null ? "CNN" : e.name()) + " on " + e.data().dataset();
        new SaveExperimentDialog(name, "Saves this model with its weights as they are when you press Save, its "
                + "loss and accuracy curves and its TensorBoard files" + (t.experiments().size() > 1
                ? " (the run whose details are shown)." : "."),
                (n, pub) -> store.saveLive(t, run, new ExperimentStore.Draft(owner.key(), n, pub, Page.CNN, e, ""))).open();
    }

    @Override
    protected void onAttach(AttachEvent attachEvent) {
        super.onAttach(attachEvent);
        showLink();
        reattach(attachEvent.getUI());
    }

    @Override
    protected void onDetach(DetachEvent detachEvent) {
        // the run is its owner's: it goes on without this page (the runtime decides for how long)
        shown.leave();
        super.onDetach(detachEvent);
    }

    /**
     * A reload (or the page opened again in the same session) shows the session's latest run again while
     * it is there, no other page shows it, and it trains what the page's link describes; a link's
     * {@code ?run=} shows that run.
     */
    private void reattach(UI ui) {
        if (shown.run() == null) {
            shown.findAgain(ui, owner.key(), r -> RunIdentity.same(r.experiments(), runExperiments()))
                    .ifPresent(run -> attach(run, (CnnFrames) run.frames()));
        }
    }

    private void attach(Run<CnnFrames.Frame> run, CnnFrames made) {
        show(run, made);
        // the frames bring the run's state; until the first arrives it is loading
        phase = CnnFrames.Phase.LOADING;
        showButtons();
    }

    /** Puts the whole state into the controls (a preset, a link). */
    private void showState() {
        Experiment e = state.experiment();
        preset.setValue(matchingPreset(e));
        presetDescription.setText(preset.getValue() == null ? "Your own network." : preset.getValue().description());
        epochs.setValue(e.epochs());
        optimizer.setValue(e.optimizer().type());
        List<Double> rates = new ArrayList<>(LEARNING_RATES);
        if (!rates.contains(e.optimizer().lr())) {
            rates.add(e.optimizer().lr());
            rates.sort(Double::compare);
        }
        learningRate.setItems(rates);
        learningRate.setValue(e.optimizer().lr());
        compare.setValue(state.comparing());
        showData();
        editor.setLayers(e.model());
        refresh(true);
    }

    private void showData() {
        DataSpec d = state.experiment().data();
        List<CnnDataService.Choice> choices = new ArrayList<>(data.choices(owner.key()));
        if (choices.stream().noneMatch(c -> c.id().equals(d.dataset()))) {
            // a set of someone else's that a link named (its id lets the link's holder use it), or one not here
            boolean shared = ImageSets.isFolder(d.dataset())
                    && ImageFolders.exists(ImageSets.folderName(d.dataset()), data.dataDir());
            choices.add(new CnnDataService.Choice(d.dataset(), shared ? "Shared with the link: uploaded images"
                    : d.dataset() + " (not available here)"));
        }
        Map<String, String> labels = new LinkedHashMap<>();
        choices.forEach(c -> labels.put(c.id(), c.label()));
        dataset.setItems(new ArrayList<>(labels.keySet()));
        dataset.setItemLabelGenerator(id -> labels.getOrDefault(id, id));
        dataset.setValue(d.dataset());
        String option = optionName();
        limit.setLabel(option);
        limit.setPlaceholder(option.equals(ImageSets.SAMPLES) ? "10000" : "all");
        Object n = d.options().get(option);
        limit.setValue(n instanceof Number num ? num.intValue() : null);
        limit.setInvalid(false);
        List<Integer> sizes = new ArrayList<>(BATCH_SIZES.stream().filter(s -> s <= limits.maxBatchSize()).toList());
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

    private String optionName() {
        return ImageSets.SHAPES.equals(state.experiment().data().dataset()) ? ImageSets.SAMPLES : ImageSets.LIMIT;
    }

    private CnnPresets.Preset matchingPreset(Experiment e) {
        for (CnnPresets.Preset p : CnnPresets.all(data.cifar10Present())) {
            if (p.experiment().equals(e)) {
                return p;
            }
        }
        return null;
    }

    private void setExperiment(Experiment e) {
        setExperiment(e, true);
    }

    /** A change from a control: the new experiment, checked, linked; {@code controls}: show it in the controls too. */
    private void setExperiment(Experiment e, boolean controls) {
        CnnPresets.Preset p = matchingPreset(e);
        // an edited preset is the user's own network now
        Experiment named = p != null ? e : e.withName(customName(e));
        List<String> cmp = state.comparing() && CnnLinks.hasActivation(named) ? state.compare() : List.of();
        state = new CnnLinks.State(named, cmp);
        preset.setValue(p);
        presetDescription.setText(p == null ? "Your own network." : p.description());
        if (controls) {
            showData();
        }
        refresh(false);
    }

    /** The experiment without an input shape that only repeated the current data set's, before the set changes. */
    private Experiment followingData(Experiment e) {
        return e.inputShape() != null && dataShape != null && e.inputShape().equals(toList(dataShape))
                ? e.withInputShape(null) : e;
    }

    private static List<Integer> toList(int[] a) {
        List<Integer> l = new ArrayList<>();
        for (int v : a) {
            l.add(v);
        }
        return l;
    }

    private static String customName(Experiment e) {
        String n = e.name() == null ? "" : e.name();
        return n.startsWith("Custom") || n.isBlank() ? (n.isBlank() ? "Custom CNN" : n) : "Custom: " + n;
    }

    /** Re-checks the experiment and shows the result everywhere: layers, data, the Train button, the link. */
    private void refresh(boolean dataChangedForSure) {
        Experiment e = state.experiment();
        DataSpec d = e.data();
        String dataKey = d.dataset() + d.options() + d.batchSize() + d.shuffle() + d.dropLast() + d.trainFraction() + e.seed();
        if (dataChangedForSure || !dataKey.equals(loadedData)) {
            loadedData = dataKey;
            loadData();
        }
        boolean folder = ImageSets.isFolder(e.data().dataset());
        if (folder && e.inputShape() == null && dataShape != null) {
            // an uploaded set's shape is known only from its files: the experiment must state it
            e = e.withInputShape(toList(dataShape));
            state = new CnnLinks.State(e, state.compare());
        }
        editor.setInput(e.inputShape(), dataShape, folder && e.inputShape() != null && dataShape != null
                && e.inputShape().equals(toList(dataShape)));
        inspection = CnnInspection.inspect(e);
        editor.show(inspection);
        trainProblem = CnnInspection.trainProblem(e, inspection, dataInfo, limits);
        editor.markLayer(CnnInspection.memoryNote(e, inspection, dataInfo, limits));
        if (dataInfo == null && dataError != null && inspection.ok()) {
            trainProblem = "The data set cannot be loaded: " + dataError;
        }
        boolean comparable = CnnLinks.hasActivation(e);
        compare.setEnabled(comparable);
        compare.setValue(state.comparing());
        compare.setTooltipText(comparable ? "Trains one copy per activation, same seed and starting weights"
                : "The model has no ReLU, Tanh or Sigmoid to swap");
        if (!comparable && state.comparing()) {
            state = new CnnLinks.State(e, List.of());
        }
        problem.setText(trainProblem == null ? "" : trainProblem);
        problem.setVisible(trainProblem != null);
        showButtons();
        showLink();
    }

    private void loadData() {
        DataSpec d = state.experiment().data();
        try {
            ImageSet set = data.load(d, state.experiment().seedOrZero());
            dataShape = set.shape();
            dataError = null;
            dataInfo = new CnnInspection.DataInfo(d.dataset(), set.size(), set.classes(), set.shape());
            List<ImageGrid.Tile> tiles = new ArrayList<>();
            for (int i : CnnDataService.firstBatch(set, d, state.experiment().seedOrZero(), BATCH_SHOWN)) {
                tiles.add(CnnImages.dataImage(set, i));
            }
            batch.setTiles(tiles);
            // as the training run splits: the set's official split where it has one, else train_fraction
            int n = set.size();
            boolean official = set.officialTrainCount() > 0 && set.officialTrainCount() < n;
            int train = official ? set.officialTrainCount() : Points2D.trainCount(n, d.trainFraction());
            split.setEnabled(!official);
            split.setTooltipText(official ? "This set comes with its own train/test split, which is used" : null);
            dataNote.setText(String.format(Locale.ROOT, "%,d images %s, %d classes; %,d to train on, %,d to test%s. "
                            + "%s Showing %d of a batch of %d.", n, CnnInspection.shape(set.shape()), set.classes(),
                    train, n - train, official ? " (the official split)" : "", batchesText(train, d), tiles.size(),
                    d.batchSize()));
            dataNote.removeClassName("cnn-error-text");
        } catch (ExperimentException | ImageDataException ex) {
            dataShape = null;
            dataInfo = null;
            dataError = ex.getMessage();
            batch.setTiles(List.of());
            dataNote.setText(ex.getMessage());
            dataNote.addClassName("cnn-error-text");
        }
    }

    /** Whether a training is under way (loading, training or paused), as opposed to none or ended. */
    private boolean isRunning() {
        return shown.run() != null && shown.run().isAlive() && phase != CnnFrames.Phase.DONE
                && phase != CnnFrames.Phase.STOPPED && phase != CnnFrames.Phase.FAILED;
    }

    private void showButtons() {
        boolean running = isRunning();
        step.setEnabled(trainProblem == null && (!running || phase == CnnFrames.Phase.PAUSED));
        train.setEnabled(!running && trainProblem == null);
        train.setText(phase == null || running ? "Train" : "Train again");
        train.setTooltipText(trainProblem);
        pause.setEnabled(running && phase != CnnFrames.Phase.LOADING);
        stop.setEnabled(running);
        if (!running) {
            pause.setText("Pause");
            pause.setIcon(VaadinIcon.PAUSE.create());
        }
        if (phase == null) {
            status.setText(trainProblem == null ? "Ready: press Train." : "Not ready to train: see the note above.");
        }
    }

    /** Keeps the address bar and the share link on the current experiment (only while it is valid: a link must open). */
    private void showLink() {
        shareLink.setVisible(inspection.ok());
        export.setEnabled(inspection.ok());
        if (!inspection.ok()) {
            copyLink.setEnabled(false);
            copyLink.setTooltipText("Fix the red layer first: a link carries a working model.");
            return;
        }
        copyLink.setEnabled(true);
        copyLink.setTooltipText(null);
        String location = CnnLinks.location(state);
        shareLink.setHref(location);
        getUI().ifPresent(ui -> ui.getPage().getHistory().replaceState(null, location));
    }

    // ---- training ----------------------------------------------------------------------------------

    private void startTraining() {
        if (trainProblem != null) {
            return;
        }
        if (shown.run() != null) {
            // replaced by a new training: the old one computes no more
            shown.run().stop();
        }
        List<Experiment> runs = runExperiments();
        UI ui = UI.getCurrent();
        CnnFrames made = new CnnFrames(runs.stream().map(Experiment::name).toList());
        // when the server is busy the run waits for a slot, and its frames say why until it starts
        Run<CnnFrames.Frame> run = runtime.submit(runs, new RunOptions(owner.key(), owner.username().isPresent(), RunPages.CNN,
                false, runs.get(0).epochs() == null ? 1 : runs.get(0).epochs(), fork.startWeights(runs)), made);
        show(run, made);
        phase = CnnFrames.Phase.LOADING;
        status.setText("Loading the data and building the model\u2026");
        progress.setIndeterminate(true);
        // the results are below the editor: bring them into view
        getElement().executeJs("const t = document.getElementById('cnn-training');"
                + "if (t) t.scrollIntoView({behavior: 'smooth', block: 'start'});");
        showButtons();
    }

    /** Shows {@code run} from now on: its frames replace whatever this page showed. */
    private void show(Run<CnnFrames.Frame> run, CnnFrames made) {
        resetResults(run.experiments());
        frames = made;
        logged = run;
        logs.setVisible(run.folder() != null);
        shown.show(UI.getCurrent(), run, this::onFrame);
    }

    /** The experiments a training of the current state trains: one, or one per activation compared. */
    private List<Experiment> runExperiments() {
        List<Experiment> runs = new ArrayList<>();
        if (state.comparing()) {
            for (String a : state.compare()) {
                runs.add(CnnLinks.withActivation(state.experiment(), a));
            }
        } else {
            runs.add(state.experiment());
        }
        return runs;
    }

    /**
     * "Export to PyTorch": the model of the editor; the weights of the training when it trains (or
     * trained) this very model, the run whose details are shown, else the starting weights.
     */
    private void openExport() {
        if (inspection == null || !inspection.ok()) {
            return;
        }
        Run<CnnFrames.Frame> t = shown.run();
        boolean trained = t != null && t.isAlive() && phase != null && phase != CnnFrames.Phase.FAILED
                && RunIdentity.same(t.experiments(), runExperiments());
        int run = trained && shownRun < t.experiments().size() ? shownRun : 0;
        PyTorchExportDialog dialog;
        try {
            if (trained) {
                Experiment e = t.experiments().get(run);
                String which = t.experiments().size() > 1 ? " of the " + activationOf(e.name()) + " run" : "";
                String when = phase == CnnFrames.Phase.DONE || phase == CnnFrames.Phase.STOPPED
                        ? "as training left them" : "as they are when you click the link (training goes on meanwhile)";
                dialog = new PyTorchExportDialog(e, "The weights" + which + " are the trained ones, " + when + ".",
                        () -> PyTorchExportDialog.trainedWeights(t, run));
            } else {
                Experiment e = state.experiment();
                dialog = new PyTorchExportDialog(e, "Not trained yet: the weights are the starting ones that seed "
                        + e.seedOrZero() + " gives (training starts from the same). Train first to export what it learns.",
                        () -> PyTorchExportDialog.initialWeights(e));
            }
        } catch (ExperimentException ex) {
            Notification.show("The model cannot be exported: " + ex.getMessage(), 5000, Notification.Position.MIDDLE);
            return;
        }
        dialog.open();
    }

    private void resetResults(List<Experiment> runs) {
        shownRunNames = List.of();
        shownPoints = -1;
        lastDetails = List.of();
        lastRuns = List.of();
        stepTable.show(null);
        shownRun = 0;
        List<Integer> indices = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            indices.add(i);
        }
        detailsRun.setItems(indices);
        detailsRun.setItemLabelGenerator(i -> i < runs.size() ? activationOf(runs.get(i).name()) : String.valueOf(i));
        detailsRun.setValue(0);
        detailsRun.setVisible(runs.size() > 1);
        detailsRun.getParent().ifPresent(p -> p.setVisible(runs.size() > 1));
        lossChart.setSeries(List.of());
        accuracyChart.setSeries(List.of());
        gradientChart.show(List.of(), List.of());
        confusion.show(null, null);
        predictions.setTiles(List.of());
        filters.setTiles(List.of());
        featureMaps.clear();
        guesses = List.of();
        guessImages = List.of();
        shownGuesses = List.of();
        chosen = 0;
        progress.setValue(0);
        epochText.setText("");
        speed.setText("");
        eta.setText("");
        confusionTitle.setText("Confusion matrix (test images)" + (runs.size() > 1 ? " of the " + activationOf(runs.get(0).name())
                + " run" : ""));
    }

    private void choose(int tile) {
        if (tile < 0 || tile >= shownGuesses.size()) {
            return;
        }
        chosen = guesses.get(shownGuesses.get(tile)).index();
        showGuesses();
        if (shown.run() != null) {
            CnnFrames f = frames;
            int index = chosen;
            shown.run().call(t -> f.choose(t, index));
        }
    }

    private void onFrame(CnnFrames.Frame f) {
        CnnFrames.Progress p = f.progress();
        phase = p.phase();
        showProgress(p);
        showCurves(f.runs());
        lastRuns = f.runs();
        if (phase != CnnFrames.Phase.TRAINING && phase != CnnFrames.Phase.LOADING) {
            showStep();
        }
        if (f.details() != null && !f.details().isEmpty()) {
            lastDetails = f.details();
            showDetails(lastDetails.get(Math.min(shownRun, lastDetails.size() - 1)));
        }
        showButtons();
    }

    /** The last step of the run whose details are shown (while training runs, the table holds still). */
    private void showStep() {
        stepTable.show(shownRun < lastRuns.size() ? lastRuns.get(shownRun).lastStep() : null);
    }

    private void showProgress(CnnFrames.Progress p) {
        progress.setIndeterminate(p.phase() == CnnFrames.Phase.LOADING);
        progress.setValue(p.batches() > 0 ? Math.min(1, (double) p.batch() / p.batches()) : 0);
        // a comparison's runs train in lock step: one counter for all, partial epochs included
        epochText.setText(p.batches() == 0 ? "" : "Epoch " + RunStatus.epochs(p.progress()) + " of " + p.epochs()
                + (p.batch() > 0 ? " \u00b7 batch " + p.batch() + " of " + p.batches() : ""));
        speed.setText((Double.isFinite(p.imagesPerSecond()) && p.imagesPerSecond() > 0
                ? String.format(Locale.ROOT, "%,.0f images/s \u00b7 ", p.imagesPerSecond()) : "")
                + (Double.isFinite(p.learningRate()) ? "lr " + rate(p.learningRate()) : ""));
        eta.setText(Double.isFinite(p.epochEta()) && p.phase() == CnnFrames.Phase.TRAINING
                ? "epoch: " + duration(p.epochEta()) + " left \u00b7 all: " + duration(p.totalEta()) + " left" : "");
        status.setText(switch (p.phase()) {
            case WAITING -> p.message();
            case LOADING -> "Loading the data and building the model\u2026";
            case TRAINING -> "Training\u2026";
            case PAUSED -> "Paused: press Step for one more batch, change the learning rate, or pick test images.";
            case STOPPED -> p.message() == null ? "Stopped." : p.message();
            case DONE -> "Done: " + p.epochs() + (p.epochs() == 1 ? " epoch." : " epochs.");
            case FAILED -> p.message();
        });
        status.setClassName("cnn-error-text", p.phase() == CnnFrames.Phase.FAILED);
        if (p.phase() == CnnFrames.Phase.PAUSED) {
            pause.setText("Resume");
            pause.setIcon(VaadinIcon.PLAY.create());
        } else if (p.phase() == CnnFrames.Phase.TRAINING && shown.run() != null && !shown.run().isPaused()) {
            pause.setText("Pause");
            pause.setIcon(VaadinIcon.PAUSE.create());
        }
    }

    /**
     * Adds what is new since the last frame: per run, the test loss and the accuracies of each epoch,
     * and the training loss batch by batch (points between the epochs); a comparison's runs train one
     * after another, so their points are inserted where they belong on the shared epoch axis.
     */
    private void showCurves(List<CnnFrames.RunHistory> runs) {
        List<String> names = runs.stream().map(CnnFrames.RunHistory::name).toList();
        int n = runs.size();
        if (!names.equals(shownRunNames)) {
            shownRunNames = names;
            shownPoints = -1;
            chartedEpochs = new int[n];
            chartedBatchPoints = new int[n];
            List<LossChart.Series> series = new ArrayList<>();
            for (String name : names) {
                series.add(new LossChart.Series(label(name, n, "train"), color(name, n, TRAIN_COLOR)));
            }
            for (String name : names) {
                series.add(new LossChart.Series(label(name, n, "test"), color(name, n, TEST_COLOR), DASH));
            }
            lossChart.setSeries(series);
            accuracyChart.setSeries(series);
        }
        for (int i = 0; i < n; i++) {
            List<EpochStats> stats = runs.get(i).stats();
            for (int k = chartedEpochs[i]; k < stats.size(); k++) {
                EpochStats st = stats.get(k);
                double[] loss = nans(2 * n);
                double[] acc = nans(2 * n);
                if (st.epoch() == 0) {
                    // the untrained model's loss starts the training curve; later, the batches draw it
                    loss[i] = st.trainLoss();
                }
                loss[n + i] = st.testLoss();
                acc[i] = st.trainAccuracy() == null ? Double.NaN : st.trainAccuracy() * 100;
                acc[n + i] = st.testAccuracy() == null ? Double.NaN : st.testAccuracy() * 100;
                lossChart.add(st.epoch(), loss);
                accuracyChart.add(st.epoch(), acc);
            }
            chartedEpochs[i] = stats.size();
            List<CnnFrames.LossPoint> points = runs.get(i).batchLosses();
            for (int k = chartedBatchPoints[i]; k < points.size(); k++) {
                double[] loss = nans(2 * n);
                loss[i] = points.get(k).loss();
                lossChart.add(points.get(k).x(), loss);
            }
            chartedBatchPoints[i] = points.size();
        }
        int epochsDone = runs.stream().mapToInt(r -> r.stats().size()).sum();
        if (epochsDone != shownPoints) {
            shownPoints = epochsDone;
            List<GradientChart.Series> grads = new ArrayList<>();
            for (CnnFrames.RunHistory r : runs) {
                grads.add(new GradientChart.Series(n > 1 ? activationOf(r.name()) : "gradient",
                        color(r.name(), n, TRAIN_COLOR), r.gradientNorms()));
            }
            gradientChart.show(runs.isEmpty() ? List.of() : runs.get(0).gradientLayers(), grads);
        }
    }

    private static double[] nans(int n) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, Double.NaN);
        return a;
    }

    private static String activationOf(String runName) {
        int colon = runName == null ? -1 : runName.indexOf(':');
        return colon > 0 ? runName.substring(0, colon) : "";
    }

    private static String label(String runName, int runs, String which) {
        return runs > 1 ? activationOf(runName) + " " + which : which;
    }

    private static String color(String runName, int runs, String single) {
        if (runs < 2) {
            return single;
        }
        try {
            return CompareActivation.parse(activationOf(runName)).color();
        } catch (IllegalArgumentException e) {
            return single;
        }
    }

    private void showDetails(CnnFrames.Details d) {
        classNames = d.classNames();
        confusion.show(d.classNames(), d.confusion());
        int total = 0;
        int right = 0;
        for (int r = 0; r < d.confusion().length; r++) {
            for (int c = 0; c < d.confusion()[r].length; c++) {
                total += d.confusion()[r][c];
                right += r == c ? d.confusion()[r][c] : 0;
            }
        }
        String of = shownRunNames.size() > 1 && d.run() < shownRunNames.size()
                ? " of the " + activationOf(shownRunNames.get(d.run())) + " run" : "";
        confusionTitle.setText(String.format(Locale.ROOT, "Confusion matrix%s after epoch %d: %,d of %,d test images right (%.1f%%)",
                of, d.epoch(), right, total, total == 0 ? 0 : 100.0 * right / total));
        guesses = d.guesses();
        guessImages = d.images();
        chosen = d.chosen();
        showGuesses();
        filters.setTiles(d.filters() == null ? List.of() : CnnImages.filters(d.filters()));
        showFeatureMaps(d);
    }

    private void showGuesses() {
        List<ImageGrid.Tile> tiles = new ArrayList<>();
        List<Integer> shown = new ArrayList<>();
        for (int i : CnnImages.shown(guesses, wrongOnly.getValue())) {
            if (i < guessImages.size()) {
                CnnFrames.Guess g = guesses.get(i);
                tiles.add(CnnImages.guess(guessImages.get(i), g, classNames, g.index() == chosen));
                shown.add(i);
            }
        }
        shownGuesses = shown;
        predictions.setEmptyText(guesses.isEmpty() ? NO_GUESSES_YET : "The model gets all of these test images right.");
        predictions.setTiles(tiles);
    }

    /** When the weights of {@code d} are from: an epoch's end, or, paused mid-epoch, the batch a step held at. */
    private String weightsWhen(CnnFrames.Details d) {
        StepReport step = d.run() < lastRuns.size() ? lastRuns.get(d.run()).lastStep() : null;
        if (phase == CnnFrames.Phase.PAUSED && step != null && step.epoch() > d.epoch()) {
            return "after batch " + step.batch() + " of epoch " + step.epoch();
        }
        return "after epoch " + d.epoch();
    }

    private void showFeatureMaps(CnnFrames.Details d) {
        featureTitle.setText("Feature maps of test image " + d.chosen() + " (class "
                + (d.guesses().stream().filter(g -> g.index() == d.chosen()).map(g -> classNameOf(g.label())).findFirst()
                .orElse("?")) + ") " + weightsWhen(d) + ": every layer's output");
        featureMaps.show(d.chosenImage(), d.featureMaps());
    }

    private String classNameOf(int k) {
        return k >= 0 && k < classNames.size() ? classNames.get(k) : String.valueOf(k);
    }

    private void uploaded(String fileName, ImageFolders.Imported imported, String error) {
        upload.clearFileList();
        if (error != null) {
            showUploadMessage("\"" + fileName + "\" was not added: " + error.replaceAll("\\.$", "") + ". Nothing was changed.", true);
            return;
        }
        showUploadMessage(String.format(Locale.ROOT, "Added \"%s\": %,d images %s in %d classes (%s).",
                CnnDataService.folderName(fileName), imported.images(), CnnInspection.shape(new int[] {imported.channels(), imported.height(), imported.width()}),
                imported.classNames().size(), String.join(", ", imported.classNames())), false);
        DataSpec d = state.experiment().data();
        setExperiment(followingData(state.experiment()).withData(new DataSpec(imported.id(), Map.of(), null,
                d.trainFraction(), d.batchSize(), d.shuffle(), d.dropLast())));
    }

    private void showUploadMessage(String text, boolean error) {
        uploadMessage.setText(text);
        uploadMessage.setClassName("cnn-ok", !error);
        uploadMessage.setVisible(true);
    }

    private static String rate(double lr) {
        return java.math.BigDecimal.valueOf(lr).stripTrailingZeros().toPlainString();
    }

    private static String duration(double seconds) {
        if (!Double.isFinite(seconds)) {
            return "\u2013";
        }
        long s = Math.max(0, Math.round(seconds));
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
