package com.layerlab.app.ui.compare;

import com.layerlab.app.account.CurrentOwner;
import com.layerlab.app.lab.CompareActivation;
import com.layerlab.app.lab.CompareLinks;
import com.layerlab.app.lab.ForkStart;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.lab.RunIdentity;
import com.layerlab.app.lab.ShareLinks;
import com.layerlab.app.store.ComparisonFork;
import com.layerlab.app.store.ExperimentStore;
import com.layerlab.app.store.StoreException;
import com.layerlab.app.training.BackendChoices;
import com.layerlab.app.training.PointFrames;
import com.layerlab.app.training.RunDevice;
import com.layerlab.app.training.OverLimit;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunOptions;
import com.layerlab.app.training.RunState;
import com.layerlab.app.training.RunStatus;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.app.ui.LimitNotice;
import com.layerlab.app.ui.MainLayout;
import com.layerlab.app.ui.PageWatch;
import com.layerlab.app.ui.RunOnPage;
import com.layerlab.app.ui.components.LiveText;
import com.layerlab.app.ui.runs.RunPages;
import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The same network, data and starting weights trained with two or more activations side by side, in
 * lock step (one run of the training runtime: each step trains one batch of every network): one
 * decision boundary per activation, the loss curves on one chart, and the gradient size per layer, so
 * that dead neurons, saturation and vanishing gradients can be seen. The run is its owner's, not the
 * page's: a reload shows it again. Save keeps every network under one short link; {@code ?fork=<id>}
 * trains a saved comparison on from its weights ({@link ForkStart}).
 */
@AnonymousAllowed
@Route(value = CompareLinks.ROUTE, layout = MainLayout.class)
@PageTitle("Compare activations | LayerLab")
public class CompareView extends Div implements BeforeEnterObserver {

    /** Where a reload finds this page's run: its id, in the page's session. */
    private static final String RUN_ATTRIBUTE = "layerlab.compare.run";

    private final TrainingRuntime runtime;
    private final CurrentOwner owner;
    private final RunOnPage<PointFrames.Frame> shown;
    private final ExperimentStore store;

    private CompareLinks.State state = CompareLinks.DEFAULTS;
    /** The saved comparison the page forked ({@code ?fork=<id>}): its runs start from its weights while they fit. */
    private ForkStart fork = ForkStart.NONE;
    private final Anchor logsLink = new Anchor();

    private final Div error = new Div();
    private final Div forkNote = new Div();
    private final Button play = new Button("Play");
    private final Button step = new Button("Step");
    private final Button reset = new Button("Reset");
    private final Button stop = new Button("Stop");
    private final Span epoch = new Span("Epoch 0");
    private final Span status = new Span();
    private final Span device = new Span();
    private final Anchor shareLink = new Anchor();
    private final Button copyLink = new Button("Copy link");
    private final BackendChoices backends;
    private final CompareSettings settings;
    private final Div cards = new Div();
    private final Map<CompareActivation, CompareCard> cardByActivation = new LinkedHashMap<>();
    private final CompareCharts charts = new CompareCharts();
    private boolean playing;

    public CompareView(TrainingRuntime runtime, PageWatch pages, CurrentOwner owner, ExperimentStore store,
                       BackendChoices backends) {
        this.runtime = runtime;
        this.owner = owner;
        this.store = store;
        this.shown = new RunOnPage<>(runtime, pages, RUN_ATTRIBUTE, PointFrames.class);
        this.backends = backends;
        this.settings = new CompareSettings(this::changeSettings, this::changeLearningRate, this::changeActivations, backends);
        setId("compare-view");
        getStyle().set("padding", "var(--lumo-space-m)").set("max-width", "1400px").set("margin", "0 auto");

        H2 title = new H2("Compare activations");
        title.getStyle().set("margin", "0 0 var(--lumo-space-xs) 0");
        Paragraph intro = new Paragraph("The same network, data and starting weights, trained side by side with "
                + "different activations in every hidden layer. Watch the boundaries, the losses, and how much "
                + "gradient reaches each layer.");
        intro.getStyle().set("margin", "0 0 var(--lumo-space-s) 0").set("color", "var(--lumo-secondary-text-color)");

        error.setId("compare-link-error");
        error.addClassName("ll-link-error");
        error.getElement().setAttribute("role", "alert");
        error.setVisible(false);
        forkNote.setId("compare-fork-note");
        forkNote.setVisible(false);

        cards.setId("compare-cards");
        cards.getStyle().set("display", "flex").set("flex-wrap", "wrap").set("gap", "var(--lumo-space-m)")
                .set("flex", "0 1 auto").set("align-items", "flex-start");
        // boundaries on the left, the two charts beside them where the window is wide enough, else below
        Div main = new Div(cards, charts);
        main.getStyle().set("display", "flex").set("flex-wrap", "wrap").set("gap", "var(--lumo-space-l)")
                .set("margin-top", "var(--lumo-space-m)").set("align-items", "flex-start");
        add(title, intro, error, forkNote, settings, transport(), main);
    }

    // ---- layout ------------------------------------------------------------------------------------

    private Div transport() {
        play.setId("compare-play");
        play.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        play.addClickListener(e -> togglePlay());
        step.setId("compare-step");
        step.getElement().setAttribute("title", "Train one batch of every network: one step of gradient descent");
        step.addClickListener(e -> step());
        reset.setId("compare-reset");
        reset.getElement().setAttribute("title", "Start again from the same starting weights");
        reset.addClickListener(e -> startRun(false));
        stop.setId("compare-stop");
        stop.getElement().setAttribute("title", "End this run: it trains no more (play starts again from epoch 0)");
        stop.addClickListener(e -> {
            if (shown.run() != null) {
                shown.run().stop();
            }
        });
        epoch.setId("compare-epoch");
        epoch.getStyle().set("font-size", "var(--lumo-font-size-l)").set("font-weight", "600")
                .set("font-variant-numeric", "tabular-nums").set("min-width", "7em");
        status.setId("compare-status");
        status.getStyle().set("color", "var(--lumo-secondary-text-color)").set("font-size", "var(--lumo-font-size-s)");
        device.setId("compare-device");

        shareLink.setId("compare-share-link");
        shareLink.setText("Link to this comparison");
        shareLink.getStyle().set("font-size", "var(--lumo-font-size-s)");
        copyLink.setId("compare-copy-link");
        copyLink.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        copyLink.addClickListener(e -> getElement().executeJs(
                "const url = new URL($0, document.baseURI).href;"
                + "return (navigator.clipboard ? navigator.clipboard.writeText(url) : Promise.reject())"
                + ".then(() => true, () => false);", CompareLinks.location(state))
                .then(Boolean.class, ok -> Notification.show(Boolean.TRUE.equals(ok)
                        ? "Link copied: whoever opens it sees this comparison from the same start."
                        : "Copying was not allowed here: use \"Link to this comparison\" instead.", 3000,
                        Notification.Position.BOTTOM_START)));

        Div spacer = new Div();
        spacer.getStyle().set("flex", "1");
        logsLink.setId("compare-logs");
        logsLink.setText("TensorBoard logs");
        logsLink.getElement().setAttribute("title", "Every run of this comparison as TensorBoard event files: "
                + "unzip, then tensorboard --logdir <folder>");
        logsLink.getStyle().set("font-size", "var(--lumo-font-size-s)");
        shown.linkLogs(logsLink, "layerlab-compare-logs.zip");
        Button save = new CompareSaveButton(store, owner, shown::run, () -> state);
        Div row = new Div(play, step, reset, stop, epoch, status, device, spacer, logsLink, shareLink, copyLink, save);
        row.getStyle().set("display", "flex").set("flex-wrap", "wrap").set("align-items", "center")
                .set("gap", "var(--lumo-space-s)").set("margin-top", "var(--lumo-space-s)");
        return row;
    }

    // ---- state -------------------------------------------------------------------------------------

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        Map<String, List<String>> query = event.getLocation().getQueryParameters().getParameters();
        ShareLinks.Parsed<CompareLinks.State> parsed = CompareLinks.parse(query);
        state = parsed.value();
        if (parsed.ok()) {
            error.setVisible(false);
        } else {
            error.setText(parsed.error() + " Showing the default comparison instead.");
            error.setVisible(true);
        }
        openFork(query, parsed.ok() && (query.containsKey(ShareLinks.EXPERIMENT) || query.containsKey(CompareLinks.ACTIVATIONS)));
        BackendChoices.Kept backend = backends.keep(state.settings().backend());
        state = new CompareLinks.State(state.settings().toBuilder().backend(backend.backend()).build(), state.activations());
        Optional.ofNullable(backend.note()).ifPresent(this::showError);
        shown.openLinked(event.getLocation().getQueryParameters().getParameters(), owner.key(), RunPages.COMPARE,
                r -> RunIdentity.same(r.experiments(), state.experiments())).ifPresent(this::showError);
        settings.show(state);
        rebuildCards();
        Run<PointFrames.Frame> run = shown.run();
        if (run != null && !fits(run)) {
            // the same page opened again with other parameters
            showLink();
            startRun(false);
        }
    }

    /** Adds {@code problem} to what the page says about its link. */
    private void showError(String problem) {
        error.setText(error.isVisible() ? error.getText() + " " + problem : problem);
        error.setVisible(true);
    }

    /** {@code ?fork=<id>}: the saved comparison's settings, its networks starting from its saved weights. */
    private void openFork(Map<String, List<String>> query, boolean linkHasSettings) {
        fork = ForkStart.NONE;
        try {
            String id = ShareLinks.single(query, ForkStart.PARAMETER);
            if (id == null) {
                return;
            }
            ComparisonFork f = store.forkComparison(id, owner.key());
            fork = new ForkStart(f.id(), f.experiments(), f.startWeights());
            if (!fork.keepsLinkSettings(linkHasSettings, state.experiments())) {
                state = f.state();
                error.setVisible(false); // a broken part of the link gave way to the fork's settings
            }
            forkNote.setText("Forked \"" + f.name() + "\": the networks train on from its weights (epoch "
                    + f.trainedEpoch() + " when saved), as a new run from epoch 0.");
        } catch (ShareLinks.ShareLinkException | StoreException e) {
            error.setText(e.getMessage());
            error.setVisible(true);
        }
    }

    /** Whether {@code run} trains what the page shows, from the start the page gives it. */
    private boolean fits(Run<PointFrames.Frame> run) {
        return RunIdentity.same(run.experiments(), state.experiments())
                && fork.sameStart(run.options().startWeights(), state.experiments());
    }

    @Override
    protected void onAttach(AttachEvent attachEvent) {
        super.onAttach(attachEvent);
        showLink();
        if (shown.run() == null) {
            Optional<Run<PointFrames.Frame>> found = shown.findAgain(attachEvent.getUI(), owner.key(), this::fits);
            if (found.isPresent()) {
                // a reload: the run trains on with the link's rate (the address bar kept it up to date)
                found.get().setLearningRate(state.settings().learningRate());
                show(found.get());
            } else {
                startRun(false);
            }
        }
    }

    @Override
    protected void onDetach(DetachEvent detachEvent) {
        shown.leave();
        super.onDetach(detachEvent);
    }

    /**
     * A new run of the comparison from epoch 0, training at once when {@code play}, else holding until
     * play or a step; the run shown before ends.
     */
    private void startRun(boolean play) {
        Run<PointFrames.Frame> old = shown.run();
        if (old != null) {
            old.stop();
        }
        RunOptions options = new RunOptions(owner.key(), owner.username().isPresent(), RunPages.COMPARE, !play,
                state.settings().epochs(), fork.startWeights(state.experiments()));
        try {
            show(runtime.submit(state.experiments(), options, PointFrames.comparison()));
        } catch (OverLimit refused) {
            LimitNotice.show(refused);
        }
    }

    /** Shows {@code run} from now on: its frames replace what the page showed. */
    private void show(Run<PointFrames.Frame> run) {
        rebuildCards();
        charts.history(run.history());
        playing = !run.isPaused();
        showPlaying();
        shown.show(getUI().orElseThrow(), run, this::onFrame);
        getElement().setAttribute("data-run", run.id());
    }

    /** Play or pause (see {@link RunOnPage#togglePlay}). */
    private void togglePlay() {
        shown.togglePlay(playing, this::startRun).ifPresent(now -> {
            playing = now;
            showPlaying();
        });
    }

    private void step() {
        shown.step(this::startRun);
    }

    private void changeSettings(PlaygroundSettings changed) {
        state = new CompareLinks.State(changed, state.activations());
        settings.show(state);
        rebuildRuns();
    }

    private void changeLearningRate(double rate) {
        state = new CompareLinks.State(state.settings().toBuilder().learningRate(rate).build(), state.activations());
        settings.show(state);
        if (shown.run() != null) {
            shown.run().setLearningRate(rate);
        }
        showLink();
    }

    private void changeActivations(List<CompareActivation> chosen) {
        state = new CompareLinks.State(state.settings(), chosen);
        settings.show(state);
        rebuildRuns();
    }

    /** A new run for the current state from epoch 0, playing on if it played (as the playground does). */
    private void rebuildRuns() {
        error.setVisible(false);
        rebuildCards();
        showLink();
        if (shown.run() != null) {
            startRun(playing);
        }
    }

    private void rebuildCards() {
        cards.removeAll();
        cardByActivation.clear();
        for (CompareActivation a : state.activations()) {
            CompareCard c = new CompareCard(a);
            cardByActivation.put(a, c);
            cards.add(c);
        }
        charts.reset(state.activations(), state.settings());
    }

    /** Keeps the address bar and the share link on the current state, as TensorFlow Playground does. */
    private void showLink() {
        String location = CompareLinks.location(state);
        shareLink.setHref(location);
        // the address bar names the fork too while it applies: a reload starts from its weights again
        String address = fork.link(location, state.experiments());
        forkNote.setVisible(fork.appliesTo(state.experiments()));
        getUI().ifPresent(ui -> ui.getPage().getHistory().replaceState(null, address));
    }

    // ---- frames ------------------------------------------------------------------------------------

    private void onFrame(PointFrames.Frame frame) {
        RunStatus st = frame.status();
        Run<PointFrames.Frame> run = shown.run();
        playing = run != null && !run.isPaused() && !st.state().ended();
        showPlaying();
        LiveText.set(status, statusText(st));
        // anew at every frame: a device that fails leaves the run on the CPU, and the page says why
        LiveText.set(device, run == null ? "" : RunDevice.where(run));
        LiveText.set(epoch, "Epoch " + RunStatus.epochs(st.progress()));
        epoch.getElement().setAttribute("data-epoch", String.valueOf(st.epoch()));
        epoch.getElement().setAttribute("data-batch", String.valueOf(st.batch()));
        // tests (and scripts) tell the held position from a frame sent while it still trained
        epoch.getElement().setAttribute("data-state", st.state().name());
        List<PointFrames.Item> items = frame.items();
        for (int i = 0; i < items.size(); i++) {
            PointFrames.Item item = items.get(i);
            CompareCard card = cardByActivation.get(CompareLinks.activationOf(item.experiment()));
            if (frame.points() != null) {
                card.showPoints(frame.points().get(i));
            }
            card.show(item);
        }
        if (!items.isEmpty()) {
            charts.show(items, run == null ? List.of() : run.history());
        }
    }

    private void showPlaying() {
        String label = playing ? "Pause" : "Play";
        if (!label.equals(play.getText())) {
            play.setText(label);
        }
    }

    /** Waiting for the server says why until it trains; an end says why, and how to train again. */
    private static String statusText(RunStatus st) {
        if (st.state() == RunState.QUEUED) {
            return st.message() == null ? "" : st.message();
        }
        return switch (st.state()) {
            case FINISHED -> "Finished at epoch " + st.epoch() + ". Play trains it again from epoch 0.";
            case STOPPED, INTERRUPTED -> (st.message() == null ? "Stopped." : st.message())
                    + " Play trains it again from epoch 0.";
            case FAILED -> st.message();
            default -> "";
        };
    }
}
