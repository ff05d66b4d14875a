package com.layerlab.app.ui.cnn;

import com.layerlab.app.account.CurrentOwner;
import com.layerlab.app.classroom.ChallengeScorer;
import com.layerlab.app.classroom.ClassEvents;
import com.layerlab.app.classroom.Classrooms;
import com.layerlab.app.cluster.BackgroundRuns;
import com.layerlab.app.lab.CnnDataService;
import com.layerlab.app.lab.CnnDataSettings;
import com.layerlab.app.lab.CnnInspection;
import com.layerlab.app.lab.CnnLayerTypes;
import com.layerlab.app.lab.CnnLimits;
import com.layerlab.app.lab.CnnLinks;
import com.layerlab.app.lab.CnnPresets;
import com.layerlab.app.lab.ForkStart;
import com.layerlab.app.store.ExperimentStore;
import com.layerlab.app.store.Page;
import com.layerlab.app.training.BackendChoices;
import com.layerlab.app.training.CnnFrames;
import com.layerlab.app.training.OverLimit;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunDevice;
import com.layerlab.app.training.RunOptions;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.app.ui.LimitNotice;
import com.layerlab.app.ui.MainLayout;
import com.layerlab.app.ui.PageWatch;
import com.layerlab.app.ui.RunOnPage;
import com.layerlab.app.ui.classroom.StudentClass;
import com.layerlab.app.ui.runs.RunPages;
import com.layerlab.datasets.ImageFolders;
import com.layerlab.datasets.ImageSets;
import com.layerlab.engine.experiment.DataSpec;
import com.layerlab.engine.experiment.Experiment;
import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.dependency.CssImport;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.springframework.beans.factory.ObjectProvider;

/**
 * The CNN lab: build a network layer by layer (each layer's shape, parameters and size formula as
 * you type), pick the images, train on the server and watch it learn: curves, speed, a confusion
 * matrix, predictions, feature maps, filters and gradient sizes; compare ReLU, Tanh and Sigmoid on
 * the same network; share the whole experiment as a link. In a class, {@link CnnClass}: the student's bar, the
 * teacher's push opened live, a challenge's locks on every experiment the lab applies, whatever asked for it.
 */
@AnonymousAllowed
@Route(value = CnnLinks.ROUTE, layout = MainLayout.class)
@PageTitle("CNN lab | LayerLab")
@CssImport("./components/cnn-view.css")
public class CnnView extends Div implements BeforeEnterObserver {

    /** Where a reload finds this page's run: its id, in the page's session. */
    private static final String RUN_ATTRIBUTE = "layerlab.cnn.run";

    private final TrainingRuntime runtime;
    private final CnnDataService data;
    private final CurrentOwner owner;
    private final CnnLimits limits;
    private final BackendChoices backends;
    /** "Train on the workers", on a node of a cluster. */
    private final CnnWorkers workers;
    /** A fork's saved model and weights; used while the editor still holds that model. */
    private ForkStart fork = ForkStart.NONE;

    private CnnLinks.State state = CnnLinks.DEFAULTS;
    private CnnInspection.Result inspection;
    private String trainProblem;
    /** The run this page shows (it is its owner's, not the page's: it may outlive the page). */
    private final RunOnPage<CnnFrames.Frame> shown;
    private CnnFrames frames;
    private CnnFrames.Phase phase;
    /** The data the panel shows loaded: its set, options and loader settings (a change of these loads it again). */
    private String loadedData;
    private CnnDataPanel.Loaded loaded = CnnDataPanel.Loaded.NONE;

    private final Div linkError = new Div();
    private final Div problem = new Div();
    private final CnnTransport transport = new CnnTransport(this::startTraining, this::step, this::togglePause, this::stop);
    private final CnnToolbar toolbar;
    private final CnnDataPanel dataPanel;
    private final CnnLayerEditor editor = new CnnLayerEditor();
    private final CnnProgressRow progressRow = new CnnProgressRow();
    private final CnnCurves curves = new CnnCurves();
    private final CnnResults results = new CnnResults(this::choose);
    private final CnnSaving saving;
    /** The class the owner sits in, if any: the bar, the teacher's push and a challenge's locks. */
    private final CnnClass classroom;

    public CnnView(TrainingRuntime runtime, PageWatch pages, CnnDataService data, ExperimentStore store,
                   CurrentOwner owner, BackendChoices backends, Classrooms classrooms, ClassEvents events, ChallengeScorer scorer,
                   ObjectProvider<BackgroundRuns> background) {
        this.runtime = runtime;
        this.workers = new CnnWorkers(background.getIfAvailable(), owner);
        this.shown = new RunOnPage<>(runtime, pages, RUN_ATTRIBUTE, CnnFrames.class, true);
        this.data = data;
        this.owner = owner;
        this.limits = data.limits();
        this.saving = new CnnSaving(store, owner);
        this.backends = backends;
        this.toolbar = new CnnToolbar(CnnPresets.all(data.cifar10Present()), limits.maxEpochs(), backends, transport,
                this::usePreset, this::edit, this::compare, this::openSave, this::openExport, this::trainOnWorkers);
        this.dataPanel = new CnnDataPanel(data, owner::key, this::useDataset, this::edit, this::useUploaded);
        this.classroom = new CnnClass(classrooms, events, scorer, store, this::leftClass);
        shown.linkLogs(progressRow.logsLink(), "layerlab-cnn-logs.zip");
        setId("cnn-view");
        addClassName("cnn-view");

        H2 title = new H2("CNN lab");
        title.addClassName("cnn-title");
        Paragraph intro = new Paragraph("Stack the layers of a convolutional network, see every layer's output shape "
                + "and parameter count as you type, then train it on real images and watch what it learns.");
        intro.addClassName("cnn-intro");
        Div head = new Div(title, intro);
        head.addClassName("cnn-head");
        linkError.setId("cnn-link-error");
        linkError.addClassName("cnn-message");
        linkError.getElement().setAttribute("role", "alert");
        linkError.setVisible(false);
        problem.setId("cnn-train-problem");
        problem.addClassName("cnn-problem");
        Div body = new Div(dataPanel, modelPanel());
        body.addClassName("cnn-body");
        add(classroom.slot(), head, linkError, toolbar, problem, body, trainingPanel());
        showState();
    }

    private Div modelPanel() {
        editor.setLayersListener(layers -> setExperiment(state.experiment().withModel(layers), false));
        editor.setInputListener(shape -> setExperiment(state.experiment().withInputShape(shape), false));
        Span hint = new Span("Fields take PyTorch's names; leave one empty for PyTorch's default. A size is one number "
                + "or two (height, width).");
        hint.addClassName("ll-hint");
        Div panel = new Div(CnnCards.section("Model: nn.Sequential"), hint, editor);
        panel.addClassNames("ll-panel", "cnn-model");
        return panel;
    }

    private Div trainingPanel() {
        Div panel = new Div(CnnCards.section("Training"), progressRow, curves, results);
        panel.setId("cnn-training");
        panel.addClassNames("ll-panel", "cnn-training");
        return panel;
    }

    // ---- the page's link ---------------------------------------------------------------------------

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        // a student opening the lab without a link sees what their teacher pushed (or goes to the playground's push)
        Optional<Map<String, List<String>>> query = classroom.enter(event, owner.key());
        if (query.isEmpty()) {
            return;
        }
        CnnSaving.Opened opened = saving.open(query.get(), backends);
        fork = opened.fork();
        linkError.setVisible(false);
        Optional.ofNullable(opened.message()).ifPresent(this::showLinkError);
        // a challenge's locked controls stay as pushed, whatever the link (or the fork) says
        state = classroom.enforce(opened.state(), StudentClass::sayLocked);
        if (classroom.openingPush() && shown.run() != null) {
            shown.run().stop(); // the teacher pushed: what trained before is not the class's experiment any more
        }
        showState();
        // My runs' Open: ?run=<id> with the run's own settings in the link
        shown.openLinked(query.get(), owner.key(), RunPages.CNN, r -> CnnLinks.trains(r.experiments(), state))
                .ifPresent(this::showLinkError);
    }

    /** Out of the class (on the class's event, not a request): the controls are free again, the experiment stays. */
    private void leftClass(String notice) {
        classroom.lock(toolbar, dataPanel, editor);
        StudentClass.sayLeft(notice, Page.CNN);
    }

    private void showLinkError(String text) {
        linkError.setText(text);
        linkError.setVisible(true);
    }

    @Override
    protected void onAttach(AttachEvent attachEvent) {
        super.onAttach(attachEvent);
        showLink();
        // a reload (or the page opened again in the same session) shows the session's latest run again while
        // it is there, no other page shows it, and it trains what the page's link describes; ?run= that run
        if (shown.run() == null && !classroom.openingPush()) {
            shown.findAgain(attachEvent.getUI(), owner.key(), r -> CnnLinks.trains(r.experiments(), state))
                    .ifPresent(run -> {
                        show(run, (CnnFrames) run.frames());
                        // the frames bring the run's state; until the first arrives it is loading
                        phase = CnnFrames.Phase.LOADING;
                        showButtons();
                    });
        }
    }

    @Override
    protected void onDetach(DetachEvent detachEvent) {
        // the run is its owner's: it goes on without this page (the runtime decides for how long)
        shown.leave();
        super.onDetach(detachEvent);
    }

    // ---- the experiment ----------------------------------------------------------------------------

    private void usePreset(CnnPresets.Preset p) {
        // a preset keeps the backend chosen: it is where the learner trains, not part of the network
        state = classroom.enforce(new CnnLinks.State(p.experiment().withBackend(state.experiment().backend()),
                state.comparing() && CnnLinks.hasActivation(p.experiment()) ? state.compare() : List.of()), StudentClass::sayLocked);
        linkError.setVisible(false);
        showState();
    }

    private void compare(boolean on) {
        state = classroom.enforce(new CnnLinks.State(state.experiment(), on ? CnnLayerTypes.ACTIVATIONS : List.of()),
                StudentClass::sayLocked);
        refresh(false);
    }

    private void useDataset(String id) {
        Experiment e = state.experiment();
        setExperiment(CnnDataSettings.followingData(e, loaded.shape()).withData(CnnDataSettings.switchTo(e.data(), id)));
    }

    private void useUploaded(ImageFolders.Imported imported) {
        Experiment e = state.experiment();
        setExperiment(CnnDataSettings.followingData(e, loaded.shape()).withData(CnnDataSettings.uploaded(e.data(), imported.id())));
    }

    /** A change from a control; a new learning rate reaches the running training too, from its next batch. */
    private void edit(UnaryOperator<Experiment> change) {
        double before = state.experiment().optimizer().lr();
        setExperiment(change.apply(state.experiment()));
        double after = state.experiment().optimizer().lr();
        if (after != before && shown.run() != null && shown.run().isAlive()) {
            shown.run().setLearningRate(after);
        }
    }

    /** Puts the whole state into the controls (a preset, a link). */
    private void showState() {
        Experiment e = state.experiment();
        classroom.lock(toolbar, dataPanel, editor);
        toolbar.show(state, CnnPresets.matching(e, data.cifar10Present()));
        showData();
        editor.setLayers(e.model());
        refresh(true);
    }

    private void showData() {
        DataSpec d = state.experiment().data();
        dataPanel.show(d, data.choices(owner.key(), d.dataset()));
    }

    private void setExperiment(Experiment e) {
        setExperiment(e, true);
    }

    /** A change from a control: the new experiment, checked, linked; {@code controls}: show it in the controls too. */
    private void setExperiment(Experiment e, boolean controls) {
        boolean cifar10 = data.cifar10Present();
        Experiment named = CnnPresets.edited(e, cifar10);
        List<String> cmp = state.comparing() && CnnLinks.hasActivation(named) ? state.compare() : List.of();
        CnnLinks.State wanted = new CnnLinks.State(named, cmp);
        state = classroom.enforce(wanted, StudentClass::sayLocked);
        if (!state.equals(wanted)) {
            showState(); // a locked control refused: every control shows the push's again
            return;
        }
        toolbar.showPreset(CnnPresets.matching(named, cifar10));
        if (controls) {
            showData();
        }
        refresh(false);
    }

    /** Re-checks the experiment and shows the result everywhere: layers, data, the Train button, the link. */
    private void refresh(boolean dataChangedForSure) {
        Experiment e = state.experiment();
        DataSpec d = e.data();
        String dataKey = d.dataset() + d.options() + d.batchSize() + d.shuffle() + d.dropLast() + d.trainFraction() + e.seed();
        if (dataChangedForSure || !dataKey.equals(loadedData)) {
            loadedData = dataKey;
            loaded = dataPanel.load(d, e.seedOrZero());
        }
        e = CnnDataSettings.statingShape(e, loaded.shape());
        state = new CnnLinks.State(e, state.compare());
        editor.setInput(e.inputShape(), loaded.shape(), ImageSets.isFolder(d.dataset())
                && CnnDataSettings.repeatsDataShape(e, loaded.shape()));
        inspection = CnnInspection.inspect(e);
        editor.show(inspection);
        trainProblem = CnnInspection.trainProblem(e, inspection, loaded.info(), limits);
        editor.markLayer(CnnInspection.memoryNote(e, inspection, loaded.info(), limits));
        if (loaded.info() == null && loaded.error() != null && inspection.ok()) {
            trainProblem = "The data set cannot be loaded: " + loaded.error();
        }
        boolean comparable = CnnLinks.hasActivation(e);
        toolbar.showCompare(comparable, state.comparing());
        if (!comparable && state.comparing()) {
            state = new CnnLinks.State(e, List.of());
        }
        problem.setText(trainProblem == null ? "" : trainProblem);
        problem.setVisible(trainProblem != null);
        showButtons();
        showLink();
    }

    /** Keeps the address bar and the share link on the current experiment (only while it is valid: a link must open). */
    private void showLink() {
        String location = inspection.ok() ? CnnLinks.location(state) : null;
        toolbar.showLink(location);
        if (location != null) {
            getUI().ifPresent(ui -> ui.getPage().getHistory().replaceState(null, location));
        }
    }

    // ---- training ----------------------------------------------------------------------------------

    /** Whether a training is under way (loading, training or paused), as opposed to none or ended. */
    private boolean isRunning() {
        return shown.run() != null && shown.run().isAlive() && (phase == null || !phase.ended());
    }

    private void showButtons() {
        transport.show(isRunning(), phase, trainProblem);
        workers.show(toolbar, trainProblem);
        if (phase == null) {
            progressRow.ready(trainProblem);
        }
    }

    private void startTraining() {
        if (trainProblem != null) {
            return;
        }
        if (shown.run() != null) {
            // replaced by a new training: the old one computes no more
            shown.run().stop();
        }
        List<Experiment> runs = CnnLinks.runsOf(state);
        CnnFrames made = new CnnFrames(runs.stream().map(Experiment::name).toList());
        // when the server is busy the run waits for a slot, and its frames say why until it starts
        Run<CnnFrames.Frame> run;
        try {
            run = runtime.submit(runs, new RunOptions(owner.key(), owner.username().isPresent(), RunPages.CNN,
                    false, runs.get(0).epochs() == null ? 1 : runs.get(0).epochs(), fork.startWeights(runs)), made);
        } catch (OverLimit refused) {
            LimitNotice.show(refused);
            return;
        }
        show(run, made);
        phase = CnnFrames.Phase.LOADING;
        progressRow.loading();
        // the results are below the editor: bring them into view
        getElement().executeJs("const t = document.getElementById('cnn-training');"
                + "if (t) t.scrollIntoView({behavior: 'smooth', block: 'start'});");
        showButtons();
    }

    private void trainOnWorkers() {
        if (trainProblem == null) {
            workers.train(CnnLinks.runsOf(state), fork);
        }
    }

    private void step() {
        if (!isRunning()) {
            startTraining();
        }
        if (shown.run() != null) {
            shown.run().step();
        }
    }

    private void togglePause() {
        transport.togglePause(shown.run());
    }

    private void stop() {
        transport.stop(shown.run());
    }

    /** Shows {@code run} from now on: its frames replace whatever this page showed. */
    private void show(Run<CnnFrames.Frame> run, CnnFrames made) {
        results.reset(run.experiments());
        curves.reset();
        progressRow.reset();
        frames = made;
        shown.show(UI.getCurrent(), run, this::onFrame);
    }

    private void onFrame(CnnFrames.Frame f) {
        phase = f.progress().phase();
        progressRow.show(f.progress());
        progressRow.showWhere(shown.run() == null ? "" : RunDevice.where(shown.run()));
        if (phase == CnnFrames.Phase.PAUSED) {
            transport.showPaused(true);
        } else if (phase == CnnFrames.Phase.TRAINING && shown.run() != null && !shown.run().isPaused()) {
            transport.showPaused(false);
        }
        curves.show(f.runs());
        results.show(f, phase);
        showButtons();
    }

    /** A test image picked: the training sends that image's feature maps. */
    private void choose(int image) {
        if (shown.run() != null) {
            CnnFrames f = frames;
            shown.run().call(t -> f.choose(t, image));
        }
    }

    // ---- save and export ---------------------------------------------------------------------------

    private void openSave() {
        saving.save(shown.run(), phase, state, results.shownRun());
    }

    private void openExport() {
        if (inspection != null && inspection.ok()) {
            CnnSaving.export(shown.run(), phase, state, results.shownRun());
        }
    }
}
