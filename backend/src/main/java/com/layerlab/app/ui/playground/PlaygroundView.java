package com.layerlab.app.ui.playground;

import com.layerlab.app.account.CurrentOwner;
import com.layerlab.app.classroom.ChallengeScorer;
import com.layerlab.app.classroom.ClassEvents;
import com.layerlab.app.classroom.Classrooms;
import com.layerlab.app.lab.CompareLinks;
import com.layerlab.app.lab.ControlLocks;
import com.layerlab.app.lab.ForkStart;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.lab.PointDrawing;
import com.layerlab.app.lab.PointSets;
import com.layerlab.app.lab.RunIdentity;
import com.layerlab.app.lab.ShareLinks;
import com.layerlab.app.store.ExperimentStore;
import com.layerlab.app.training.BackendChoices;
import com.layerlab.app.training.PointFrames;
import com.layerlab.app.training.OverLimit;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunDevice;
import com.layerlab.app.training.RunOptions;
import com.layerlab.app.training.RunStatus;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.app.ui.LimitNotice;
import com.layerlab.app.ui.MainLayout;
import com.layerlab.app.ui.PageWatch;
import com.layerlab.app.ui.RunOnPage;
import com.layerlab.app.ui.runs.RunPages;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.train.EpochStats;
import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The 2D playground: TensorFlow Playground's controls and views, trained live on the server by the
 * training runtime. Every change of a setting starts a new run of its experiment (same seed: same
 * starting weights), except the learning rate and the stop epoch, which apply to the run under way
 * ({@link RunIdentity}), and the view options, which only redraw. The run is its owner's, not the
 * page's: a reload shows it again. The address bar always holds a link to the current state.
 *
 * <p>The page keeps the settings and the run; its parts ({@link PlayerControls}, {@link SettingsSelects},
 * {@link DataPanel}, {@link NetworkPanel}, {@link OutputPanel}, {@link PlaygroundActions}) lay out and show them;
 * {@link PlaygroundDialogs} opens its Export and Save; {@link PlaygroundClass} is a student's class (the bar, the
 * teacher's push opened live, a challenge's locks applied to every setting, whatever asked for it).
 */
@AnonymousAllowed
@Route(value = "", layout = MainLayout.class)
@PageTitle("LayerLab · Playground")
public class PlaygroundView extends Div implements BeforeEnterObserver {

    static final int GRID_N = PointFrames.GRID_N;
    /** Where a reload finds this page's run: its id, in the page's session. */
    private static final String RUN_ATTRIBUTE = "layerlab.playground.run";

    private final TrainingRuntime runtime;
    private final RunOnPage<PointFrames.Frame> shown;
    private final PointSets pointSets;
    private final ExperimentStore store;
    private final CurrentOwner owner;
    /** Whose point sets the menu lists: read once per navigation, on the request that opened the page. */
    private volatile String ownerKey;
    /** The saved experiment the page forked ({@code ?fork=<id>}): runs start from its weights while they fit. */
    private ForkStart fork = ForkStart.NONE;
    private PlaygroundSettings settings = PlaygroundSettings.DEFAULTS;
    /** The point set the settings name, when they name one (its size, classes and class names). */
    private Optional<PointSets.PointSet> pointSet = Optional.empty();
    /** The next arrival shows a new run, whatever ran before (the teacher pushed an experiment). */
    private boolean freshRun;
    private final PlaygroundNotices notices = new PlaygroundNotices();
    /** Whether the run shown trains, or waits to (what the play button shows). */
    private boolean playing;

    private final PlayerControls player = new PlayerControls(() -> startRun(false), this::togglePlay, this::step,
            this::stop, () -> edit(b -> b.seed(PlaygroundSettings.newSeed())));
    private final BackendChoices backends;
    private final SettingsSelects selects;
    private final PlaygroundActions actions = new PlaygroundActions(this::openSave,
            () -> ShareLinkDialog.copy(this, ShareLinks.queryString(ShareLinks.playgroundQuery(settings))));
    private final PointSetControls ownData;
    private final DrawingBoard drawingBoard = new DrawingBoard();
    private final DataPanel data;
    private final NetworkPanel network = new NetworkPanel(this::edit);
    private final OutputPanel output;
    /** The class the owner sits in, if any: the bar, the teacher's push and a challenge's locks. */
    private final PlaygroundClass classroom;

    public PlaygroundView(TrainingRuntime runtime, PageWatch pages, PointSets pointSets, ExperimentStore store,
                          CurrentOwner owner, BackendChoices backends, Classrooms classrooms, ClassEvents events,
                          ChallengeScorer scorer) {
        this.runtime = runtime;
        this.shown = new RunOnPage<>(runtime, pages, RUN_ATTRIBUTE, PointFrames.class);
        this.pointSets = pointSets;
        this.store = store;
        this.owner = owner;
        this.backends = backends;
        this.selects = new SettingsSelects(this::edit, backends);
        this.ownData = new PointSetControls(pointSets, () -> ownerKey, this::usePointSet, this::startDrawing);
        this.data = new DataPanel(ownData, this::edit);
        this.output = new OutputPanel(drawingBoard, this::edit, this::openExport);
        this.classroom = new PlaygroundClass(classrooms, events, scorer, store, notice -> {
            syncControls();
            notices.classLeft(notice);
        });
        shown.linkLogs(output.logsLink(), "layerlab-playground-logs.zip");
        drawingBoard.addUseListener(this::useDrawing);
        drawingBoard.addCancelListener(() -> showDrawing(false));
        drawingBoard.setVisible(false);
        addClassName("ll-playground");
        Div main = new Div(data, network, output);
        main.addClassName("ll-main");
        Div bar = new Div(player, selects, actions);
        bar.addClassName("ll-toolbar");
        add(classroom.slot(), bar, main);
        syncControls();
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        ownerKey = owner.key();
        // a student opening the playground without a link sees what their teacher pushed (on its lab)
        Optional<Map<String, List<String>>> opened = classroom.enter(event, ownerKey);
        if (opened.isEmpty()) {
            return;
        }
        Map<String, List<String>> query = opened.get();
        freshRun = classroom.openingPush();
        ShareLinks.Parsed<PlaygroundSettings> parsed = ShareLinks.parsePlayground(query);
        settings = parsed.value();
        notices.clearLater();
        notices.later(PlaygroundNotices.Later.LINK, parsed.error());
        fork = ForkStart.NONE;
        try {
            String forkId = ShareLinks.single(query, ForkStart.PARAMETER);
            if (forkId != null) {
                PlaygroundFork.open(store, forkId, ownerKey, settings, query.size() > 1, notices).ifPresent(o -> {
                    fork = o.fork();
                    settings = o.settings();
                });
            }
        } catch (ShareLinks.ShareLinkException e) {
            notices.later(PlaygroundNotices.Later.LINK, e.getMessage());
        }
        // after the fork: its settings may name a point set too
        if (settings.isPointSet()) {
            Optional<PointSets.PointSet> set = pointSets.describe(settings.dataset());
            if (set.isEmpty()) {
                notices.later(PlaygroundNotices.Later.LINK, "The link's data set " + settings.dataset()
                        + " is not on this server (it may have been deleted).");
                settings = PlaygroundSettings.DEFAULTS;
            } else {
                settings = settings.toBuilder().pointSet(set.get().id(), set.get().classes()).build();
            }
        }
        BackendChoices.Kept backend = backends.keep(settings.backend());
        settings = settings.toBuilder().backend(backend.backend()).build();
        notices.later(PlaygroundNotices.Later.BACKEND, backend.note());
        // a challenge's locked controls stay as pushed, whatever the link says
        settings = classroom.enforce(settings, note -> notices.later(PlaygroundNotices.Later.LOCK, note));
        shown.openLinked(query, ownerKey, RunPages.PLAYGROUND, r -> RunIdentity.same(r.experiments(), List.of(settings.toExperiment())))
                .ifPresent(problem -> notices.later(PlaygroundNotices.Later.LINK, problem));
        syncControls();
        showOwnData();
        if (isAttached()) {
            // Vaadin keeps this view when it navigates to the playground again (a push, the menu's link)
            arrive(event.getUI());
        }
    }

    @Override
    protected void onAttach(AttachEvent attachEvent) {
        arrive(attachEvent.getUI());
    }

    /** The page shows what it navigated to: its notices, its link, and its run (found again, or a new one). */
    private void arrive(UI ui) {
        notices.sayLater();
        updateUrl();
        List<Experiment> wanted = List.of(settings.toExperiment());
        Run<PointFrames.Frame> current = shown.run();
        boolean fresh = freshRun;
        freshRun = false;
        if (current != null && !fresh && RunIdentity.same(current.experiments(), wanted)
                && fork.sameStart(current.options().startWeights(), wanted)) {
            current.setLearningRate(settings.learningRate()); // the same run, as the new link says
            current.setEpochs(settings.epochs());
        } else {
            Optional<Run<PointFrames.Frame>> found = fresh ? Optional.empty() : shown.findAgain(ui, ownerKey,
                    r -> RunIdentity.same(r.experiments(), wanted) && fork.sameStart(r.options().startWeights(), wanted));
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
        shown.leave();
    }

    // ---------------------------------------------------------------- the run

    /**
     * A new run of the settings from epoch 0 (the fork's weights while they fit), training at once when
     * {@code play}, else holding until play or a step; the run shown before ends.
     */
    private void startRun(boolean play) {
        Run<PointFrames.Frame> old = shown.run();
        if (old != null) {
            old.stop();
        }
        RunOptions options = new RunOptions(owner.key(), owner.username().isPresent(), RunPages.PLAYGROUND, !play,
                settings.epochs(), fork.startWeights(List.of(settings.toExperiment())));
        try {
            show(runtime.submit(List.of(settings.toExperiment()), options, PointFrames.playground()));
        } catch (OverLimit refused) {
            LimitNotice.show(refused);
        }
    }

    /** Shows {@code run} from now on: its frames replace what the page showed. */
    private void show(Run<PointFrames.Frame> run) {
        List<List<EpochStats>> history = run.history();
        output.startRun(history.isEmpty() ? List.of() : history.get(0));
        network.clearStep();
        notices.newRun();
        playing = !run.isPaused();
        player.showPlaying(playing);
        shown.show(getUI().orElseThrow(), run, this::showFrame);
        getElement().setAttribute("data-run", run.id());
    }

    /** Play or pause (see {@link RunOnPage#togglePlay}). */
    private void togglePlay() {
        shown.togglePlay(playing, this::startRun).ifPresent(now -> {
            playing = now;
            player.showPlaying(playing);
        });
    }

    private void step() {
        shown.step(this::startRun);
    }

    private void stop() {
        if (shown.run() != null) {
            shown.run().stop();
        }
    }

    // ---------------------------------------------------------------- state changes

    /** A part of the page changes the settings. */
    private void edit(UnaryOperator<PlaygroundSettings.Builder> change) {
        update(change.apply(settings.toBuilder()).build());
    }

    /**
     * Applies new settings: a new run when the run would differ (playing on if it played, as TensorFlow
     * Playground does), else just the live change.
     */
    private void update(PlaygroundSettings wanted) {
        PlaygroundSettings next = classroom.enforce(wanted, notices::locked);
        PlaygroundSettings before = settings;
        settings = next;
        if (drawingBoard.isVisible() && drawingBoard.drawing().isRegression() != next.isRegression()) {
            drawingBoard.start(new PointDrawing(next.isRegression())); // classes and values do not mix
        }
        boolean sameRun = RunIdentity.same(before.toExperiment(), next.toExperiment());
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
        actions.linkCompare(CompareLinks.fromPlayground(settings));
        // plain history.replaceState: Vaadin's History re-orders the parameters, and the address bar
        // should read exactly as the copied link
        String query = "?" + ShareLinks.queryString(ShareLinks.playgroundQuery(settings));
        getElement().executeJs("window.history.replaceState(window.history.state, '', $0)",
                fork.link(query, List.of(settings.toExperiment())));
    }

    /** Puts the settings into every part of the page. */
    private void syncControls() {
        PlaygroundSettings s = settings;
        if (!pointSet.map(p -> p.id().equals(s.dataset())).orElse(false)) {
            pointSet = s.isPointSet() ? pointSets.describe(s.dataset()) : Optional.empty();
        }
        Set<ControlLocks.Control> locked = classroom.locked();
        selects.show(s, locked);
        data.show(s, locked);
        network.show(s, locked);
        output.show(s, pointSet);
        ownData.select(s.dataset());
    }

    /** "Export to PyTorch": this network's code, with its weights as they are when the download is asked for. */
    private void openExport() {
        PlaygroundDialogs.export(settings.toExperiment(), shown.run(), playing);
    }

    /** "Save": this network as it is now (settings, weights, loss history, TensorBoard files), under a short link. */
    private void openSave() {
        PlaygroundDialogs.save(store, owner.key(), shown.run(), settings,
                pointSet.map(PointSets.PointSet::name).orElse(DataPanel.NAMES.getOrDefault(settings.dataset(), settings.dataset())));
    }

    // ---------------------------------------------------------------- frames

    private void showFrame(PointFrames.Frame f) {
        RunStatus status = f.status();
        Run<PointFrames.Frame> run = shown.run();
        playing = run != null && !run.isPaused() && !status.state().ended();
        player.showPlaying(playing);
        player.showProgress(status);
        notices.show(status);
        if (run != null) {
            output.showWhere(RunDevice.where(run)); // anew: a device that fails leaves the run on the CPU
        }
        if (f.points() != null && !f.points().isEmpty()) {
            output.showPoints(f.points().get(0), settings.isRegression());
        }
        if (f.items().isEmpty()) {
            return; // the run waits for a slot or builds its network: nothing to draw yet
        }
        List<List<EpochStats>> history = run == null ? List.of() : run.history();
        output.showSnapshot(f.items().get(0).snapshot(), history.isEmpty() ? List.of() : history.get(0));
        network.showSnapshot(f.items().get(0).snapshot());
    }

    // ---------------------------------------------------------------- own data

    /** Trains on a point set: one picked from the menu, just uploaded or just drawn. */
    private void usePointSet(PointSets.PointSet set) {
        edit(b -> b.pointSet(set.id(), set.classes()));
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

    private void showDrawing(boolean on) {
        drawingBoard.setVisible(on);
        output.showDrawing(on);
        ownData.setDrawing(on);
    }

    /** For tests: the settings the page shows now. */
    PlaygroundSettings settings() {
        return settings;
    }
}
