package com.layerlab.app.ui.playground;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.layerlab.app.account.CurrentOwner;
import com.layerlab.app.lab.CompareLinks;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.lab.PointDrawing;
import com.layerlab.app.lab.PointSets;
import com.layerlab.app.lab.RunIdentity;
import com.layerlab.app.lab.ShareLinks;
import com.layerlab.app.training.EngineInfo;
import com.layerlab.app.training.PlotData;
import com.layerlab.app.training.PointFrames;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunOptions;
import com.layerlab.app.training.RunSnapshot;
import com.layerlab.app.training.RunState;
import com.layerlab.app.training.RunStatus;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.app.ui.Downloads;
import com.layerlab.app.ui.PageWatch;
import com.layerlab.app.ui.RunOnPage;
import com.layerlab.app.store.ExperimentStore;
import com.layerlab.app.store.Page;
import com.layerlab.app.store.SavedExperiment;
import com.layerlab.app.store.StoreException;
import com.layerlab.app.ui.MainLayout;
import com.layerlab.app.ui.store.SaveExperimentDialog;
import com.layerlab.app.ui.components.HeatMap;
import com.layerlab.app.ui.components.LossChart;
import com.layerlab.app.ui.components.NetworkDiagram;
import com.layerlab.app.ui.components.PyTorchExportDialog;
import com.layerlab.app.ui.components.Slider;
import com.layerlab.app.ui.components.StepTable;
import com.layerlab.datasets.Datasets2D;
import com.layerlab.datasets.Features2D;
import com.layerlab.datasets.Points2D;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.ExperimentException;
import com.layerlab.engine.train.EpochStats;
import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.QueryParameters;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The 2D playground: TensorFlow Playground's controls and views, trained live on the server by the
 * training runtime. Every change of a setting starts a new run of its experiment (same seed: same
 * starting weights), except the learning rate and the stop epoch, which apply to the run under way
 * ({@link RunIdentity}), and the view options, which only redraw. The run is its owner's, not the
 * page's: a reload shows it again. The address bar always holds a link to the current state.
 */
@AnonymousAllowed
@Route(value = "", layout = MainLayout.class)
@PageTitle("LayerLab · Playground")
public class PlaygroundView extends Div implements BeforeEnterObserver {

    static final int GRID_N = PointFrames.GRID_N;
    /** The query parameter of a fork: the saved experiment's id. */
    static final String FORK = "fork";
    /** Where a reload finds this page's run: its id, in the page's session. */
    private static final String RUN_ATTRIBUTE = "layerlab.playground.run";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> DATASET_NAMES = Map.of("circle", "Circle", "xor", "Exclusive or",
            "gauss", "Gaussian", "spiral", "Spiral", "plane", "Plane", "multi-gauss", "Multi Gaussian");
    private static final Map<String, String> FEATURE_LABELS = Map.of("x1", "x1", "x2", "x2", "x1^2", "x1²",
            "x2^2", "x2²", "x1*x2", "x1·x2", "sin(x1)", "sin(x1)", "sin(x2)", "sin(x2)");

    private final TrainingRuntime runtime;
    private final RunOnPage<PointFrames.Frame> shown;
    private final PointSets pointSets;
    private final ExperimentStore store;
    private final CurrentOwner owner;
    /** Whose point sets the menu lists: read once per navigation, on the request that opened the page. */
    private volatile String ownerKey;
    /** The saved weights a fork starts from (with {@link #settings}); null: the seed's starting weights. */
    private byte[] forkWeights;
    /** The saved experiment {@link #forkWeights} come from; the link keeps it while the run may use them. */
    private String forkId;
    private PlaygroundSettings settings = PlaygroundSettings.DEFAULTS;
    /** The point set the settings name, when they name one (its size, classes and class names). */
    private Optional<PointSets.PointSet> pointSet = Optional.empty();
    /** The run whose TensorBoard files a download gets (read on the download's request thread). */
    private volatile Run<?> logged;
    private String pendingMessage;
    private String lastEnd;
    private Notification waitingNote;
    /** Whether the run shown trains, or waits to (what the play button shows). */
    private boolean playing;
    /** The scale the run's regression values are drawn on; 0 for a classification. */
    private double regressionScale;
    private int lastChartEpoch = -1;

    // toolbar
    private final Button playButton = new Button();
    private final Button stepButton = new Button(VaadinIcon.STEP_FORWARD.create());
    private final Button resetButton = new Button(VaadinIcon.ROTATE_LEFT.create());
    private final Button stopButton = new Button(VaadinIcon.STOP.create());
    private final StepTable stepTable = new StepTable();
    private final Span epochLabel = new Span();
    private final Span batchLabel = new Span();
    private final Anchor compareLink = new Anchor();
    private final Anchor logsLink = new Anchor();
    private final Select<Double> learningRate = new Select<>();
    private final Select<String> activation = new Select<>();
    private final Select<String> regularization = new Select<>();
    private final Select<Double> regularizationRate = new Select<>();
    private final Select<String> problem = new Select<>();
    private final Select<Integer> stopAt = new Select<>();
    private final Select<Preset> presets = new Select<>();

    // data
    private final Div thumbnails = new Div();
    private final Map<String, Div> thumbnailCards = new HashMap<>();
    private final Select<Integer> classes = new Select<>();
    private final Slider trainPercent = new Slider("Ratio of training to test data", 10, 90, 10, 50, v -> v + " %");
    private final Slider noise = new Slider("Noise", 0, 50, 5, 0, v -> String.valueOf(v));
    private final Slider batchSize = new Slider("Batch size", 1, 30, 1, 10, v -> String.valueOf(v));
    private final Button regenerate = new Button("Regenerate", VaadinIcon.REFRESH.create());
    private final Span seedLabel = new Span();
    private final PointSetControls ownData;
    private final DrawingBoard drawingBoard = new DrawingBoard();

    // network
    private final NetworkDiagram diagram = new NetworkDiagram();
    private final Span paramCount = new Span();
    private final Checkbox sigmoidOutput = new Checkbox("Sigmoid output, trained with MSELoss (the course's perceptron)");

    // output
    private final Span trainLoss = new Span("–");
    private final Span testLoss = new Span("–");
    private final Span accuracy = new Span();
    private final LossChart lossChart = new LossChart();
    private final HeatMap outputMap = new HeatMap(300);
    private final Div legend = new Div();
    private final Checkbox showTest = new Checkbox("Show test data");
    private final Checkbox discretize = new Checkbox("Discretize output");
    private final Div mapBox = new Div(outputMap);
    private final Div toggles = new Div(showTest, discretize);

    public PlaygroundView(TrainingRuntime runtime, PageWatch pages, PointSets pointSets, ExperimentStore store,
                          CurrentOwner owner) {
        this.runtime = runtime;
        this.shown = new RunOnPage<>(runtime, pages, RUN_ATTRIBUTE, PointFrames.class);
        this.pointSets = pointSets;
        this.store = store;
        this.owner = owner;
        this.ownData = new PointSetControls(pointSets, () -> ownerKey, this::usePointSet, this::startDrawing);
        drawingBoard.addUseListener(this::useDrawing);
        drawingBoard.addCancelListener(this::stopDrawing);
        drawingBoard.setVisible(false);
        addClassName("ll-playground");
        add(toolbar(), main());
        // short names: the legend shows each series' latest value next to it
        lossChart.setSeries(List.of(new LossChart.Series("Test", "#222222"),
                new LossChart.Series("Training", "#9a9a9a")));
        syncControls();
    }

    // ---------------------------------------------------------------- layout

    private Component toolbar() {
        Div bar = new Div();
        bar.addClassName("ll-toolbar");

        playButton.setId("play-button");
        playButton.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        playButton.addClassName("ll-play");
        playButton.addClickListener(e -> togglePlay());
        stepButton.setId("step-button");
        stepButton.setAriaLabel("Step one batch");
        stepButton.setTooltipText("Train one batch: one step of gradient descent");
        stepButton.addClickListener(e -> step());
        resetButton.setId("reset-button");
        resetButton.setAriaLabel("Reset");
        resetButton.setTooltipText("Back to epoch 0 with the same starting weights");
        resetButton.addClickListener(e -> startRun(false));
        stopButton.setId("stop-button");
        stopButton.setAriaLabel("Stop");
        stopButton.setTooltipText("End this run: it trains no more (play starts again from epoch 0)");
        stopButton.addClickListener(e -> {
            if (shown.run() != null) {
                shown.run().stop();
            }
        });
        for (Button b : List.of(stepButton, resetButton, stopButton)) {
            b.addThemeVariants(ButtonVariant.LUMO_CONTRAST, ButtonVariant.LUMO_TERTIARY);
            b.addClassName("ll-round");
        }
        Button newSeed = new Button(VaadinIcon.RANDOM.create());
        newSeed.setId("new-seed-button");
        newSeed.setAriaLabel("New seed");
        newSeed.setTooltipText("New seed: different starting weights, same data");
        newSeed.addThemeVariants(ButtonVariant.LUMO_CONTRAST, ButtonVariant.LUMO_TERTIARY);
        newSeed.addClassName("ll-round");
        newSeed.addClickListener(e -> update(settings.toBuilder().seed(newSeed()).build()));

        Div controls = new Div(resetButton, playButton, stepButton, stopButton, newSeed);
        controls.addClassName("ll-player");
        Div epoch = new Div();
        epoch.addClassName("ll-epoch");
        Span epochCaption = new Span("Epoch");
        epochCaption.addClassName("ll-caption");
        epochLabel.setId("epoch");
        batchLabel.setId("epoch-batch");
        batchLabel.addClassName("ll-caption");
        epoch.add(epochCaption, epochLabel, batchLabel);

        learningRate.setLabel("Learning rate");
        learningRate.setId("learning-rate-select");
        learningRate.setItems(PlaygroundSettings.LEARNING_RATES);
        learningRate.setItemLabelGenerator(PlaygroundSettings::formatRate);
        learningRate.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                update(settings.toBuilder().learningRate(e.getValue()).build());
            }
        });

        activation.setLabel("Activation");
        activation.setId("activation-select");
        activation.setItems(PlaygroundSettings.ACTIVATIONS);
        activation.setPlaceholder("per layer");
        activation.setTooltipText("Sets every hidden layer; each layer also has its own picker");
        activation.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                update(settings.toBuilder().allActivations(e.getValue()).build());
            }
        });

        regularization.setLabel("Regularization");
        regularization.setId("regularization-select");
        regularization.setItems(PlaygroundSettings.REGULARIZATIONS);
        regularization.setItemLabelGenerator(r -> r.equals("none") ? "None" : r);
        regularization.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                PlaygroundSettings.Builder b = settings.toBuilder().regularization(e.getValue());
                if (!e.getValue().equals("none") && settings.regularizationRate() == 0) {
                    b.regularizationRate(0.001);
                }
                update(b.build());
            }
        });

        regularizationRate.setLabel("Regularization rate");
        regularizationRate.setId("regularization-rate-select");
        regularizationRate.setItems(PlaygroundSettings.REGULARIZATION_RATES);
        regularizationRate.setItemLabelGenerator(PlaygroundSettings::formatRate);
        regularizationRate.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                update(settings.toBuilder().regularizationRate(e.getValue()).build());
            }
        });

        problem.setLabel("Problem type");
        problem.setId("problem-select");
        problem.setItems(PlaygroundSettings.CLASSIFICATION, PlaygroundSettings.REGRESSION);
        problem.setItemLabelGenerator(p -> p.equals(PlaygroundSettings.REGRESSION) ? "Regression" : "Classification");
        problem.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                update(settings.toBuilder().problem(e.getValue()).build());
            }
        });

        stopAt.setLabel("Stop at epoch");
        stopAt.setId("stop-select");
        stopAt.addThemeVariants(com.vaadin.flow.component.select.SelectVariant.LUMO_SMALL);
        stopAt.setItems(PlaygroundSettings.EPOCH_LIMITS);
        stopAt.setItemLabelGenerator(v -> String.format(Locale.ROOT, "%,d", v));
        stopAt.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                update(settings.toBuilder().epochs(e.getValue()).build());
            }
        });

        presets.setLabel("Presets");
        presets.setId("preset-select");
        presets.setPlaceholder("Choose…");
        presets.setItems(Preset.ALL);
        presets.setItemLabelGenerator(Preset::label);
        presets.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                update(e.getValue().apply(settings));
                presets.clear();
            }
        });

        Button copy = new Button("Copy link", VaadinIcon.LINK.create());
        copy.setId("copy-link-button");
        copy.addThemeVariants(ButtonVariant.LUMO_PRIMARY, ButtonVariant.LUMO_SMALL);
        copy.addClickListener(e -> copyLink());

        Div selects = new Div(learningRate, activation, regularization, regularizationRate, problem, presets);
        selects.addClassName("ll-selects");
        compareLink.setId("compare-link");
        compareLink.setText("Compare activations");
        compareLink.getElement().setAttribute("title", "Train this network with ReLU, Tanh and Sigmoid side by side");
        compareLink.addClassName("ll-compare-link");
        Button save = new Button("Save", VaadinIcon.CLOUD_UPLOAD_O.create());
        save.setId("save-button");
        save.addThemeVariants(ButtonVariant.LUMO_SMALL);
        save.setTooltipText("Save this network with what it has learned, and get a short link to it");
        save.addClickListener(e -> openSave());
        Div buttons = new Div(save, copy);
        buttons.addClassName("ll-action-buttons");
        Div actions = new Div(compareLink, buttons);
        actions.addClassName("ll-actions");
        bar.add(controls, epoch, selects, actions);
        return bar;
    }

    private Component main() {
        Div grid = new Div();
        grid.addClassName("ll-main");

        // DATA
        Div data = panel("Data");
        data.addClassName("ll-data");
        Span which = new Span("Which data set do you want to use?");
        which.addClassName("ll-hint");
        thumbnails.addClassName("ll-thumbnails");
        classes.setLabel("Classes");
        classes.setId("classes-select");
        classes.setItems(2, 3, 4, 5);
        classes.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                update(settings.toBuilder().classes(e.getValue()).build());
            }
        });
        trainPercent.setInputId("train-percent");
        trainPercent.setValueChangeListener(v -> update(settings.toBuilder().trainPercent(v).build()));
        noise.setInputId("noise");
        noise.setValueChangeListener(v -> update(settings.toBuilder().noise(v).build()));
        batchSize.setInputId("batch-size");
        batchSize.setValueChangeListener(v -> update(settings.toBuilder().batchSize(v).build()));
        regenerate.setId("regenerate-button");
        regenerate.setTooltipText("New points from a new data seed (same starting weights)");
        regenerate.addThemeVariants(ButtonVariant.LUMO_SMALL);
        regenerate.addClickListener(e -> update(settings.toBuilder().dataSeed(newSeed()).build()));
        seedLabel.addClassName("ll-seeds");
        data.add(which, thumbnails, ownData, classes, trainPercent, noise, batchSize, regenerate, seedLabel);

        // NETWORK
        Div network = panel("Network");
        network.addClassName("ll-network");
        diagram.setId("network");
        diagram.setWidthFull();
        diagram.addFeatureToggleListener(i -> {
            if (i >= 0 && i < Features2D.NAMES.size()) {
                String f = Features2D.NAMES.get(i);
                if (settings.features().size() == 1 && settings.features().contains(f)) {
                    Notification.show("The network needs at least one input feature.", 2500, Notification.Position.BOTTOM_CENTER);
                    return;
                }
                update(settings.toBuilder().toggleFeature(f).build());
            }
        });
        diagram.addLayerAddListener(() -> update(settings.toBuilder().addLayer().build()));
        diagram.addLayerRemoveListener(() -> update(settings.toBuilder().removeLayer().build()));
        diagram.addNeuronChangeListener((layer, delta) -> update(settings.toBuilder().neurons(layer, delta).build()));
        diagram.addActivationChangeListener((layer, value) -> update(settings.toBuilder().activation(layer, value).build()));
        sigmoidOutput.setId("sigmoid-output");
        sigmoidOutput.addValueChangeListener(e -> {
            if (e.isFromClient()) {
                update(settings.toBuilder().sigmoidOutput(e.getValue()).build());
            }
        });
        paramCount.setId("param-count");
        paramCount.addClassName("ll-hint");
        Div networkFoot = new Div(paramCount, sigmoidOutput);
        networkFoot.addClassName("ll-network-foot");
        stepTable.setId("step-table");
        stepTable.setEmptyText("Press play or step: this table then shows what the latest step did to each layer.");
        Span stepTitle = new Span("Gradient descent, the last step (the last batch trained)");
        stepTitle.addClassName("ll-subtitle");
        Div stepSection = new Div(stepTitle, stepTable);
        stepSection.addClassName("ll-step-section");
        network.add(diagram, networkFoot, stepSection);

        // OUTPUT
        Div output = panel("Output");
        output.addClassName("ll-output");
        Div numbers = new Div();
        numbers.addClassName("ll-losses");
        testLoss.setId("test-loss");
        trainLoss.setId("train-loss");
        accuracy.setId("accuracy");
        numbers.add(metric("Test loss", testLoss), metric("Training loss", trainLoss), stopAt);
        accuracy.addClassName("ll-accuracy");
        lossChart.setId("loss-chart");
        lossChart.setHeightPx(110);
        lossChart.setWidthFull();
        outputMap.setId("output-map");
        outputMap.setAxes(true);
        legend.addClassName("ll-legend");
        legend.setId("legend");
        showTest.setId("show-test");
        showTest.addValueChangeListener(e -> {
            if (e.isFromClient()) {
                update(settings.toBuilder().showTestData(e.getValue()).build());
            }
        });
        discretize.setId("discretize");
        discretize.addValueChangeListener(e -> {
            if (e.isFromClient()) {
                update(settings.toBuilder().discretize(e.getValue()).build());
            }
        });
        toggles.addClassName("ll-toggles");
        Span engine = new Span("Trained on the server: " + EngineInfo.backend() + " backend, " + EngineInfo.device());
        engine.addClassName("ll-engine");
        mapBox.addClassName("ll-mapbox");
        Button export = new Button("Export to PyTorch", VaadinIcon.CODE.create());
        export.setId("export-button");
        export.addThemeVariants(ButtonVariant.LUMO_SMALL);
        export.setTooltipText("This network as PyTorch code, and its weights as a safetensors file");
        export.addClickListener(e -> openExport());
        logsLink.setId("logs-link");
        logsLink.setText("TensorBoard logs (.zip)");
        logsLink.setHref(Downloads.runLogsZip(() -> logged, "layerlab-playground-logs.zip"));
        logsLink.getElement().setAttribute("title", "This run's network, as TensorBoard event files: "
                + "unzip, then tensorboard --logdir <folder>");
        logsLink.addClassName("ll-compare-link");
        logsLink.setVisible(false);
        Div outputActions = new Div(export, logsLink);
        outputActions.addClassName("ll-output-actions");
        output.add(numbers, accuracy, lossChart, mapBox, drawingBoard, legend, toggles, outputActions, engine);

        grid.add(data, network, output);
        return grid;
    }

    private static Div panel(String title) {
        Div p = new Div();
        p.addClassName("ll-panel");
        H2 h = new H2(title);
        h.addClassName("ll-panel-title");
        p.add(h);
        return p;
    }

    private static Div metric(String caption, Span value) {
        Div d = new Div();
        d.addClassName("ll-metric");
        Span c = new Span(caption);
        c.addClassName("ll-caption");
        value.addClassName("ll-metric-value");
        d.add(c, value);
        return d;
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        ShareLinks.Parsed<PlaygroundSettings> parsed =
                ShareLinks.parsePlayground(event.getLocation().getQueryParameters().getParameters());
        settings = parsed.value();
        pendingMessage = parsed.error();
        ownerKey = owner.key();
        forkWeights = null;
        forkId = null;
        try {
            String fork = ShareLinks.single(event.getLocation().getQueryParameters().getParameters(), FORK);
            if (fork != null) {
                boolean linkHasSettings = event.getLocation().getQueryParameters().getParameters().size() > 1;
                openFork(fork, linkHasSettings);
            }
        } catch (ShareLinks.ShareLinkException e) {
            pendingMessage = e.getMessage();
        }
        // after the fork: its settings may name a point set too
        if (settings.isPointSet()) {
            Optional<PointSets.PointSet> set = pointSets.describe(settings.dataset());
            if (set.isEmpty()) {
                pendingMessage = "The link's data set " + settings.dataset() + " is not on this server (it may have "
                        + "been deleted).";
                settings = PlaygroundSettings.DEFAULTS;
            } else {
                settings = settings.toBuilder().pointSet(set.get().id(), set.get().classes()).build();
            }
        }
        syncControls();
        showOwnData();
    }

    /** {@code ?fork=<id>}: the saved experiment's settings, starting from its saved weights (a new run). */
    private void openFork(String id, boolean linkHasSettings) {
        try {
            java.util.Optional<SavedExperiment> saved = store.find(id, owner.key());
            if (saved.isEmpty() || saved.get().page() != Page.PLAYGROUND) {
                pendingMessage = "There is no saved playground experiment \"" + id + "\" to fork (deleted, or private).";
                return;
            }
            PlaygroundSettings savedSettings = ShareLinks.parsePlayground(
                    QueryParameters.fromString(saved.get().viewState()).getParameters()).value();
            // a fork's own link (a reload) keeps what may change while it trains (rate, view options)
            if (!linkHasSettings || !RunIdentity.same(settings.toExperiment(), savedSettings.toExperiment())) {
                settings = savedSettings;
            }
            forkWeights = saved.get().weights();
            forkId = id;
            pendingForkNote = "Forked \"" + saved.get().name() + "\": training goes on from its weights (epoch "
                    + saved.get().trainedEpoch() + " when saved), as a new run from epoch 0.";
        } catch (StoreException e) {
            pendingMessage = e.getMessage();
        }
    }

    private String pendingForkNote;

    @Override
    protected void onAttach(AttachEvent attachEvent) {
        if (pendingMessage != null) {
            Notification n = new Notification();
            n.addThemeVariants(NotificationVariant.LUMO_WARNING);
            n.setPosition(Notification.Position.TOP_CENTER);
            n.setDuration(12_000);
            Span text = new Span(pendingMessage + " The playground opened with its default settings instead.");
            text.addClassName("ll-link-error");
            Button close = new Button(VaadinIcon.CLOSE_SMALL.create(), e -> n.close());
            close.addThemeVariants(ButtonVariant.LUMO_TERTIARY_INLINE);
            close.setAriaLabel("Close");
            Div row = new Div(text, close);
            row.addClassName("ll-notification-row");
            n.add(row);
            n.open();
            pendingMessage = null;
        }
        if (pendingForkNote != null) {
            Notification note = Notification.show(pendingForkNote, 6000, Notification.Position.BOTTOM_CENTER);
            note.setId("fork-note");
            pendingForkNote = null;
        }
        updateUrl();
        if (shown.run() == null) {
            Optional<Run<PointFrames.Frame>> found = shown.findAgain(attachEvent.getUI(), owner.key(),
                    r -> RunIdentity.same(r.experiments(), List.of(settings.toExperiment())));
            if (found.isPresent()) {
                // a reload: the run trains on as the link says (it kept the rate and the stop epoch up to date)
                found.get().setLearningRate(settings.learningRate());
                found.get().setEpochs(settings.epochs());
                show(found.get());
            } else {
                startRun(false);
            }
        }
    }

    @Override
    protected void onDetach(DetachEvent detachEvent) {
        Run<PointFrames.Frame> run = shown.run();
        if (run != null && run.isPaused() && run.status().progress() == 0) {
            // never trained: nothing to keep (a page that opens again starts the same run anew)
            run.stop();
        }
        // else the run is its owner's: it goes on without this page (the runtime decides for how long)
        shown.leave();
    }

    /**
     * A new run of the settings from epoch 0 (the fork's weights while they fit), training at once when
     * {@code play}, else holding until play or a step; the run shown before ends.
     */
    private void startRun(boolean play) {
        Run<PointFrames.Frame> old = shown.run();
        if (old != null) {
            old.stop();
        }
        RunOptions options = new RunOptions(owner.key(), owner.username().isPresent(), "playground", !play,
                settings.epochs(), forkWeights == null ? List.of() : List.of(forkWeights));
        show(runtime.submit(List.of(settings.toExperiment()), options, PointFrames.playground()));
    }

    /** Shows {@code run} from now on: its frames replace what the page showed. */
    private void show(Run<PointFrames.Frame> run) {
        lossChart.clear();
        lastChartEpoch = -1;
        List<List<EpochStats>> history = run.history();
        if (!history.isEmpty()) {
            for (EpochStats st : history.get(0)) {
                chart(st);
            }
        }
        stepTable.show(null);
        lastEnd = null;
        playing = !run.isPaused();
        showPlaying();
        shown.show(getUI().orElseThrow(), run, this::showFrame);
        getElement().setAttribute("data-run", run.id());
        logged = run;
        logsLink.setVisible(run.folder() != null);
    }

    /** Play or pause; a run that has ended trains again from the start (a new run). */
    private void togglePlay() {
        Run<PointFrames.Frame> run = shown.run();
        if (run == null) {
            return;
        }
        if (run.state().ended()) {
            startRun(true);
        } else if (playing) {
            run.pause();
        } else {
            run.play();
        }
    }

    /** One batch, then hold; a run that has ended starts again from the start with it. */
    private void step() {
        Run<PointFrames.Frame> run = shown.run();
        if (run == null) {
            return;
        }
        if (run.state().ended()) {
            startRun(false);
            run = shown.run();
        }
        run.step();
    }

    /** While the server has no room to train this page's network: why, and what to do, until it has. */
    private void showWaiting(String why) {
        if (why == null) {
            if (waitingNote != null) {
                waitingNote.close();
                waitingNote = null;
            }
            return;
        }
        if (waitingNote == null) {
            waitingNote = new Notification();
            waitingNote.setId("play-waiting");
            waitingNote.addThemeVariants(NotificationVariant.LUMO_WARNING);
            waitingNote.setPosition(Notification.Position.BOTTOM_CENTER);
            waitingNote.setDuration(0);
            waitingNote.open();
        }
        waitingNote.setText(why);
    }

    // ---------------------------------------------------------------- state changes

    /**
     * Applies new settings: a new run when the run would differ (playing on if it played, as TensorFlow
     * Playground does), else just the live change.
     */
    private void update(PlaygroundSettings next) {
        PlaygroundSettings before = settings;
        settings = next;
        if (drawingBoard.isVisible() && drawingBoard.drawing().isRegression() != next.isRegression()) {
            drawingBoard.start(new PointDrawing(next.isRegression())); // classes and values do not mix
        }
        boolean sameRun = RunIdentity.same(before.toExperiment(), next.toExperiment());
        if (!sameRun) {
            // another network or data: the fork's weights no longer fit
            forkWeights = null;
            forkId = null;
        }
        Run<PointFrames.Frame> run = shown.run();
        if (run != null) {
            if (!sameRun) {
                startRun(playing);
            } else {
                if (before.learningRate() != next.learningRate()) {
                    run.setLearningRate(next.learningRate());
                }
                if (before.epochs() != next.epochs()) {
                    run.setEpochs(next.epochs());
                }
            }
        }
        syncControls();
        updateUrl();
    }

    private void updateUrl() {
        compareLink.setHref(CompareLinks.fromPlayground(settings));
        // plain history.replaceState: Vaadin's History re-orders the parameters, and the address bar
        // should read exactly as the copied link
        String query = ShareLinks.queryString(ShareLinks.playgroundQuery(settings));
        if (forkId != null) {
            query += "&" + FORK + "=" + forkId; // ids are URL-safe
        }
        getElement().executeJs("window.history.replaceState(window.history.state, '', '?' + $0)", query);
    }

    /** "Export to PyTorch": this network's code, with its weights as they are when the download is asked for. */
    private void openExport() {
        Experiment e = settings.toExperiment();
        Run<PointFrames.Frame> t = shown.run();
        String note;
        Callable<byte[]> weights;
        if (t != null && t.isAlive()) {
            RunStatus status = t.status();
            note = status.progress() == 0 && !playing ? "Not trained yet: the weights are the starting ones (epoch 0). Press "
                    + "play first to export what the network learns; the download takes the weights as they are when you "
                    + "click it."
                    : "The weights are the network's as they are when you click the download (" + status.epochText() + " now"
                    + (playing ? ", and training goes on" : "") + ").";
            weights = () -> PyTorchExportDialog.trainedWeights(t, 0);
        } else {
            note = "The weights are the starting ones that seed " + e.seedOrZero() + " gives.";
            weights = () -> PyTorchExportDialog.initialWeights(e);
        }
        try {
            new PyTorchExportDialog(e, note, weights).open();
        } catch (ExperimentException ex) {
            Notification.show("This network cannot be exported: " + ex.getMessage(), 5000, Notification.Position.MIDDLE);
        }
    }

    /** "Save": this network as it is now (settings, weights, loss history, TensorBoard files), under a short link. */
    private void openSave() {
        Run<PointFrames.Frame> t = shown.run();
        if (t == null || !t.isAlive()) {
            Notification.show("There is no network to save: reload the page.", 4000, Notification.Position.MIDDLE);
            return;
        }
        PlaygroundSettings s = settings;
        int epoch = t.status().epoch();
        String name = DATASET_NAMES.get(s.dataset()) + ", " + (s.hiddenLayers().isEmpty() ? "no hidden layer"
                : s.hiddenLayers().stream().map(String::valueOf).collect(java.util.stream.Collectors.joining("-"))
                + " neurons") + ", epoch " + epoch;
        new SaveExperimentDialog(name, "Saves these settings with the network's weights as they are when you press "
                + "Save (epoch " + epoch + " now), its loss curves and its TensorBoard files.",
                (n, pub) -> store.saveLive(t, 0, new ExperimentStore.Draft(owner.key(), n, pub, Page.PLAYGROUND,
                        s.toExperiment(), ShareLinks.queryString(ShareLinks.playgroundQuery(s))))).open();
    }

    private void copyLink() {
        String query = ShareLinks.queryString(ShareLinks.playgroundQuery(settings));
        getElement().executeJs("""
                const url = new URL('?' + $0, window.location.href).href;
                return (async () => {
                  let copied = false;
                  try { await navigator.clipboard.writeText(url); copied = true; } catch (e) { copied = false; }
                  return JSON.stringify({url: url, copied: copied});
                })();""", query).then(String.class, result -> {
            try {
                JsonNode r = JSON.readTree(result);
                showLinkDialog(r.get("url").asText(), r.get("copied").asBoolean());
            } catch (Exception ex) {
                showLinkDialog(query, false);
            }
        });
    }

    private void showLinkDialog(String url, boolean copied) {
        Dialog d = new Dialog();
        d.setHeaderTitle("Share this playground");
        d.setWidth("560px");
        TextField field = new TextField();
        field.setId("share-url");
        field.setReadOnly(true);
        field.setWidthFull();
        field.setValue(url);
        Paragraph p = new Paragraph(copied
                ? "The link is on your clipboard. Whoever opens it gets these settings, these seeds and the same starting weights."
                : "Copy the link below. Whoever opens it gets these settings, these seeds and the same starting weights.");
        p.setId("share-message");
        d.add(p, field);
        Button close = new Button("Close", e -> d.close());
        close.setId("share-close");
        d.getFooter().add(close);
        d.open();
    }

    // ---------------------------------------------------------------- frames

    private void showFrame(PointFrames.Frame f) {
        RunStatus status = f.status();
        Run<PointFrames.Frame> run = shown.run();
        playing = run != null && !run.isPaused() && !status.state().ended();
        showPlaying();
        showWaiting(status.state() == RunState.QUEUED ? status.message() : null);
        showEnd(status);
        if (f.points() != null && !f.points().isEmpty()) {
            PointFrames.Points points = f.points().get(0);
            outputMap.setTrainPoints(points.train());
            outputMap.setTestPoints(points.test());
            regressionScale = points.regressionScale();
            if (settings.isRegression()) {
                outputMap.setRegression(regressionScale > 0 ? regressionScale : 1);
            }
        }
        epochLabel.setText(formatEpoch(status.epoch()));
        epochLabel.getElement().setAttribute("data-epoch", String.valueOf(status.epoch()));
        epochLabel.getElement().setAttribute("data-progress", String.valueOf(status.progress()));
        batchLabel.setText(status.batch() == 0 ? "" : "batch " + status.batch() + " of " + status.batches());
        if (f.items().isEmpty()) {
            return; // the run waits for a slot or builds its network: nothing to draw yet
        }
        RunSnapshot s = f.items().get(0).snapshot();
        EpochStats stats = s.stats();
        outputMap.setGrid(s.gridN(), s.channels(), s.output());
        diagram.setFrame(s.weights(), s.neuronN(), s.neuronMaps());
        stepTable.show(s.lastStep());
        trainLoss.setText(formatLoss(stats.trainLoss()));
        testLoss.setText(formatLoss(stats.testLoss()));
        trainLoss.getElement().setAttribute("data-value", String.valueOf(stats.trainLoss()));
        testLoss.getElement().setAttribute("data-value", String.valueOf(stats.testLoss()));
        if (stats.trainAccuracy() != null && stats.testAccuracy() != null) {
            accuracy.setText(String.format(Locale.ROOT, "Accuracy: training %.1f %%, test %.1f %%",
                    100 * stats.trainAccuracy(), 100 * stats.testAccuracy()));
        } else {
            accuracy.setText("");
        }
        chart(stats);
    }

    /** Adds an epoch's losses to the chart, once per epoch. */
    private void chart(EpochStats stats) {
        if (stats.epoch() > lastChartEpoch) {
            lossChart.append(stats.epoch(), stats.testLoss(), stats.trainLoss());
            lastChartEpoch = stats.epoch();
        }
    }

    private void showPlaying() {
        if (String.valueOf(playing).equals(playButton.getElement().getAttribute("data-playing"))) {
            return; // a new icon at every frame would make a click on the button miss it now and then
        }
        playButton.setIcon(playing ? VaadinIcon.PAUSE.create() : VaadinIcon.PLAY.create());
        playButton.setAriaLabel(playing ? "Pause" : "Play");
        playButton.getElement().setAttribute("data-playing", String.valueOf(playing));
    }

    /** Says once why the run ended, and how to train again. */
    private void showEnd(RunStatus status) {
        String end = !status.state().ended() ? null : switch (status.state()) {
            case FINISHED -> "Stopped at epoch " + status.epoch() + ", where this run stops. Play trains it again from "
                    + "epoch 0; a later stop epoch lets it go further.";
            case STOPPED, INTERRUPTED -> (status.message() == null ? "Stopped." : status.message())
                    + " Play trains it again from epoch 0.";
            default -> status.message();
        };
        if (end != null && !end.equals(lastEnd)) {
            Notification note = Notification.show(end, 5000, Notification.Position.BOTTOM_CENTER);
            note.setId("run-ended");
        }
        lastEnd = end;
    }

    static String formatEpoch(int epoch) {
        DecimalFormat f = new DecimalFormat("000,000", DecimalFormatSymbols.getInstance(Locale.ROOT));
        return f.format(epoch);
    }

    static String formatLoss(double v) {
        if (!Double.isFinite(v)) {
            return "diverged";
        }
        // three decimals as TensorFlow Playground, but a loss that keeps falling below 0.001 stays visible
        return v != 0 && Math.abs(v) < 0.001 ? String.format(Locale.ROOT, "%.1e", v) : String.format(Locale.ROOT, "%.3f", v);
    }

    // ---------------------------------------------------------------- controls from settings

    private void syncControls() {
        PlaygroundSettings s = settings;
        learningRate.setValue(s.learningRate());
        if (s.activations().isEmpty()) {
            activation.clear();
            activation.setEnabled(false);
        } else {
            activation.setEnabled(true);
            boolean same = s.activations().stream().allMatch(a -> a.equals(s.activations().get(0)));
            if (same) {
                activation.setValue(s.activations().get(0));
            } else {
                activation.clear();
            }
        }
        regularization.setValue(s.regularization());
        regularizationRate.setValue(s.regularizationRate());
        regularizationRate.setEnabled(!s.regularization().equals("none"));
        problem.setValue(s.problem());
        stopAt.setValue(PlaygroundSettings.EPOCH_LIMITS.contains(s.epochs()) ? s.epochs() : null);
        classes.setVisible(!s.isRegression() && !s.isPointSet() && Datasets2D.supportsMultiClass(s.dataset()));
        noise.setVisible(!s.isPointSet());
        regenerate.setVisible(!s.isPointSet());
        if (classes.isVisible()) {
            classes.setValue(s.classes());
        }
        trainPercent.setValue(s.trainPercent());
        noise.setValue(s.noise());
        batchSize.setValue(s.batchSize());
        seedLabel.setText("Seed " + s.seed() + " · data seed " + s.dataSeed());
        sigmoidOutput.setValue(s.sigmoidOutput());
        sigmoidOutput.setVisible(!s.isRegression() && !s.isMultiClass());
        showTest.setValue(s.showTestData());
        discretize.setValue(s.discretize());
        outputMap.setShowTest(s.showTestData());
        outputMap.setDiscretize(s.discretize());
        if (s.isMultiClass()) {
            outputMap.setClasses();
        } else if (s.isRegression()) {
            outputMap.setRegression(regressionScale > 0 ? regressionScale : 1);
        } else {
            outputMap.setBinary();
        }
        if (!pointSet.map(p -> p.id().equals(s.dataset())).orElse(false)) {
            pointSet = s.isPointSet() ? pointSets.describe(s.dataset()) : Optional.empty();
        }
        ownData.select(s.dataset());
        buildThumbnails();
        buildLegend();
        buildDiagram();
    }

    private String thumbnailsKey;

    private void buildThumbnails() {
        List<String> sets = settings.isRegression() ? PlaygroundSettings.REGRESSION_SETS : PlaygroundSettings.CLASSIFICATION_SETS;
        String key = String.join(",", sets) + "/" + settings.classes();
        if (!key.equals(thumbnailsKey)) {
            thumbnailsKey = key;
            thumbnails.removeAll();
            thumbnailCards.clear();
            for (String id : sets) {
                int k = settings.isRegression() ? 0 : Datasets2D.supportsMultiClass(id) ? settings.classes() : 2;
                Points2D pts = Datasets2D.generate(id, 240, 0, k, 7);
                HeatMap map = new HeatMap(64);
                map.setPointRadius(1.3);
                if (k > 2) {
                    map.setClasses();
                } else {
                    map.setBinary();
                }
                map.setTrainPoints(PlotData.points(pts, k > 2, Points2D.labelScale(pts)));
                Div card = new Div(map);
                card.addClassName("ll-thumb");
                card.setId("dataset-" + id);
                card.getElement().setAttribute("role", "button");
                card.getElement().setAttribute("tabindex", "0");
                card.getElement().setAttribute("aria-label", DATASET_NAMES.get(id));
                card.getElement().setAttribute("title", DATASET_NAMES.get(id));
                Span caption = new Span(DATASET_NAMES.get(id));
                card.add(caption);
                card.addClickListener(e -> update(settings.toBuilder().dataset(id).build()));
                card.getElement().addEventListener("keydown", e -> update(settings.toBuilder().dataset(id).build()))
                        .setFilter("event.key === 'Enter' || event.key === ' '");
                thumbnails.add(card);
                thumbnailCards.put(id, card);
            }
        }
        thumbnailCards.forEach((id, card) -> {
            boolean sel = id.equals(settings.dataset());
            card.setClassName("selected", sel);
            card.getElement().setAttribute("aria-pressed", String.valueOf(sel));
        });
    }

    private void buildLegend() {
        legend.removeAll();
        if (settings.isRegression()) {
            Span bar = new Span();
            bar.addClassName("ll-gradient");
            legend.add(new Span("low"), bar, new Span("high"));
            return;
        }
        int k = settings.classes();
        List<String> names = pointSet.map(PointSets.PointSet::classNames).orElse(List.of());
        for (int c = 0; c < k; c++) {
            Span chip = new Span();
            chip.addClassName("ll-chip");
            chip.getStyle().set("background", HeatMap.CLASS_COLORS.get(c));
            Span item = new Span(chip, new Span(c < names.size() ? names.get(c) : "class " + c));
            item.addClassName("ll-legend-item");
            item.getElement().setAttribute("data-color", HeatMap.CLASS_COLORS.get(c));
            legend.add(item);
        }
    }

    private String diagramKey;

    private void buildDiagram() {
        PlaygroundSettings s = settings;
        List<NetworkDiagram.Column> cols = new ArrayList<>();
        List<NetworkDiagram.Neuron> inputs = new ArrayList<>();
        int grid = 0;
        for (String f : Features2D.NAMES) {
            inputs.add(new NetworkDiagram.Neuron(FEATURE_LABELS.get(f), s.features().contains(f), grid++));
        }
        cols.add(new NetworkDiagram.Column("input", "Features", "click to use", null, inputs));
        for (int l = 0; l < s.hiddenLayers().size(); l++) {
            List<NetworkDiagram.Neuron> ns = new ArrayList<>();
            for (int j = 0; j < s.hiddenLayers().get(l); j++) {
                ns.add(new NetworkDiagram.Neuron("Layer " + (l + 1) + ", neuron " + (j + 1), null, grid++));
            }
            cols.add(new NetworkDiagram.Column("hidden", "Layer " + (l + 1), s.hiddenLayers().get(l) + " neurons",
                    s.activations().get(l), ns));
        }
        List<NetworkDiagram.Neuron> outs = new ArrayList<>();
        String subtitle;
        if (s.isMultiClass()) {
            for (int c = 0; c < s.classes(); c++) {
                outs.add(new NetworkDiagram.Neuron("P(class " + c + ")", null, grid++));
            }
            subtitle = "softmax";
        } else {
            outs.add(new NetworkDiagram.Neuron(s.isRegression() ? "Output value" : "P(class 1)", null, grid++));
            subtitle = s.isRegression() ? "value" : s.sigmoidOutput() ? "sigmoid" : "sigmoid of logit";
        }
        cols.add(new NetworkDiagram.Column("output", "Output", subtitle, null, outs));
        NetworkDiagram.Layout layout = new NetworkDiagram.Layout(true, PlaygroundSettings.ACTIVATIONS, 0,
                PlaygroundSettings.MAX_LAYERS, 1, PlaygroundSettings.MAX_NEURONS,
                s.isMultiClass() ? "classes" : "diverging", HeatMap.CLASS_COLORS, cols);
        String key = layout.toString();
        if (!key.equals(diagramKey)) {
            diagramKey = key;
            diagram.setLayout(layout);
        }
        long params = 0;
        int in = s.features().size();
        for (int n : s.hiddenLayers()) {
            params += (long) (in + 1) * n;
            in = n;
        }
        params += (long) (in + 1) * s.outputs();
        paramCount.setText(String.format(Locale.ROOT, "%,d parameters", params));
    }

    // ---------------------------------------------------------------- own data

    /** Trains on a point set: one picked from the menu, just uploaded or just drawn. */
    private void usePointSet(PointSets.PointSet set) {
        update(settings.toBuilder().pointSet(set.id(), set.classes()).build());
        showOwnData();
    }

    /** The menu of the owner's sets (read from the data folder: only when they may have changed). */
    private void showOwnData() {
        ownData.show(pointSets.ownedBy(ownerKey), settings.dataset(), pointSet);
    }

    /** The data view becomes a drawing board, starting from the page's point set (a new set is saved from it). */
    private void startDrawing() {
        if (shown.run() != null && playing) {
            shown.run().pause();
        }
        PointDrawing d = pointSet.isPresent() ? PointDrawing.of(pointSets.points(settings.dataset()))
                : new PointDrawing(settings.isRegression());
        drawingBoard.start(d);
        showDrawing(true);
    }

    private void useDrawing() {
        String problem = drawingBoard.drawing().problem();
        if (problem != null) {
            drawingBoard.showProblem(problem);
            return;
        }
        PointSets.PointSet saved = pointSets.saveDrawn(drawingBoard.drawing().points(), ownerKey);
        showDrawing(false);
        ownData.say("Saved your drawing as \"" + saved.name() + "\": " + saved.summary() + ".", false);
        usePointSet(saved);
    }

    private void stopDrawing() {
        showDrawing(false);
    }

    private void showDrawing(boolean on) {
        drawingBoard.setVisible(on);
        mapBox.setVisible(!on);
        toggles.setVisible(!on);
        ownData.setDrawing(on);
    }

    private static long newSeed() {
        return ThreadLocalRandom.current().nextLong(1, 1_000_000);
    }

    // ---------------------------------------------------------------- presets

    /** A starting point from the course; keeps the seeds and the view options. */
    record Preset(String label, java.util.function.UnaryOperator<PlaygroundSettings.Builder> change) {
        static final List<Preset> ALL = List.of(
                new Preset("TensorFlow Playground default", b -> b.problem(PlaygroundSettings.CLASSIFICATION)
                        .dataset("circle").features(List.of("x1", "x2")).hiddenLayers(List.of(4, 2))
                        .allActivations("Tanh").sigmoidOutput(false).learningRate(0.03).regularization("none")
                        .noise(0).trainPercent(50).batchSize(10)),
                new Preset("Perceptron (no hidden layer)", b -> b.problem(PlaygroundSettings.CLASSIFICATION)
                        .dataset("gauss").classes(2).features(List.of("x1", "x2")).hiddenLayers(List.of())
                        .sigmoidOutput(false).learningRate(0.03).regularization("none")),
                // the course notes' perceptron: three inputs, weights and a bias, a sigmoid (4 parameters);
                // x1*x2 as the third input is what lets one neuron separate XOR
                new Preset("3-input perceptron", b -> b.problem(PlaygroundSettings.CLASSIFICATION)
                        .dataset("xor").features(List.of("x1", "x2", "x1*x2")).hiddenLayers(List.of())
                        .sigmoidOutput(true).learningRate(0.3).regularization("none")),
                new Preset("Shallow network (one hidden layer)", b -> b.problem(PlaygroundSettings.CLASSIFICATION)
                        .dataset("circle").features(List.of("x1", "x2")).hiddenLayers(List.of(8))
                        .allActivations("ReLU").sigmoidOutput(false).learningRate(0.03)),
                new Preset("Deep network (spiral)", b -> b.problem(PlaygroundSettings.CLASSIFICATION)
                        .dataset("spiral").classes(2).features(List.of("x1", "x2", "sin(x1)", "sin(x2)"))
                        .hiddenLayers(List.of(8, 8, 6)).allActivations("Tanh").sigmoidOutput(false).learningRate(0.03)),
                new Preset("Multi-class (3 Gaussians)", b -> b.problem(PlaygroundSettings.CLASSIFICATION)
                        .dataset("gauss").classes(3).features(List.of("x1", "x2")).hiddenLayers(List.of(4))
                        .allActivations("ReLU").learningRate(0.03)),
                new Preset("Regression (plane)", b -> b.problem(PlaygroundSettings.REGRESSION).dataset("plane")
                        .features(List.of("x1", "x2")).hiddenLayers(List.of(4, 2)).allActivations("Tanh")
                        .learningRate(0.01)));

        PlaygroundSettings apply(PlaygroundSettings s) {
            return change.apply(s.toBuilder()).build();
        }
    }

    /** For tests: the settings the page shows now. */
    PlaygroundSettings settings() {
        return settings;
    }
}
