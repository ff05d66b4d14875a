package com.layerlab.app.ui;

import com.layerlab.app.training.FrameMaker;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.app.ui.runs.RunPages;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.component.html.Anchor;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The run one page shows, and how the page holds it: the page subscribes to its frames (through the
 * page's {@code UI.access}) and unsubscribes when it detaches or goes silent ({@link PageWatch}: a killed
 * browser sends no unload); the run is its owner's and goes on meanwhile, as the runtime decides. The
 * session remembers the page's latest run, so that a reload finds it again ({@link #findAgain}).
 *
 * @param <F> what the run's frames carry
 */
public final class RunOnPage<F> {

    private final TrainingRuntime runtime;
    private final PageWatch pages;
    private final String sessionKey;
    private final Class<? extends FrameMaker<F>> frames;
    private final boolean showsEnded;

    private Run<F> run;
    /** The run shown last, whose TensorBoard files the logs link downloads (read on the download's request thread). */
    private volatile Run<F> lastShown;
    private Anchor logsLink;
    /** The run the page's link names ({@link #openLinked}): shown when the page attaches, before the session's latest. */
    private Run<F> linked;
    private Run<F>.Subscription subscription;
    private PageWatch.Watch silence;
    /** Counts the runs shown: a frame of a run no longer shown, still on its way, is dropped. */
    private int generation;

    /**
     * @param sessionKey where the session keeps the id of the page's latest run (one per kind of page)
     * @param frames     the kind of frame maker the page's runs have
     */
    public RunOnPage(TrainingRuntime runtime, PageWatch pages, String sessionKey, Class<? extends FrameMaker<F>> frames) {
        this(runtime, pages, sessionKey, frames, false);
    }

    /**
     * @param showsEnded whether a reload shows the session's run again once it has ended (the CNN lab: a
     *                   training of minutes has results worth seeing again), not only while it trains
     */
    public RunOnPage(TrainingRuntime runtime, PageWatch pages, String sessionKey, Class<? extends FrameMaker<F>> frames,
                     boolean showsEnded) {
        this.runtime = runtime;
        this.pages = pages;
        this.sessionKey = sessionKey;
        this.frames = frames;
        this.showsEnded = showsEnded;
    }

    /** The run shown, or null. */
    public Run<F> run() {
        return run;
    }

    /**
     * Makes {@code link} the page's TensorBoard logs link: it downloads the event files of the run shown
     * last, as {@code fileName}, and shows only while that run writes some.
     */
    public void linkLogs(Anchor link, String fileName) {
        link.setHref(Downloads.runLogsZip(() -> lastShown, fileName));
        link.setVisible(false);
        logsLink = link;
    }

    /** What a link's {@code ?run=<id>} finds: the run to show, or (run null) why the page shows its link as usual. */
    public record Linked<F>(Run<F> run, String problem) {
    }

    /**
     * {@code ?run=<id>} (My runs' Open, with the run's own settings in the link): that run of {@code owner}'s,
     * when it is one of {@code page}'s ({@link RunPages}), still holds its model and {@code fits} (trains what
     * the link's settings say); else why not, for the page to say. A run another tab shows is shown here too.
     */
    @SuppressWarnings("unchecked")
    public static <F> Linked<F> linked(TrainingRuntime runtime, String id, String owner, String page,
                                       Class<? extends FrameMaker<F>> frames, Predicate<Run<F>> fits) {
        Run<?> found = runtime.find(id, owner).orElse(null);
        if (found == null || !found.options().page().equals(page) || !frames.isInstance(found.frames())) {
            return new Linked<>(null, "There is no " + RunPages.label(page) + " run \"" + id + "\" of yours to show: "
                    + "the link is someone else's, or the server restarted since.");
        }
        if (!found.isAlive()) {
            return new Linked<>(null, "That run has ended and let its model go (no page showed it for a while): "
                    + "train again to see it.");
        }
        Run<F> typed = (Run<F>) found;
        return fits.test(typed) ? new Linked<>(typed, null)
                : new Linked<>(null, "The link's settings are not what that run trains: showing the link's settings, not the run.");
    }

    /**
     * Reads {@code ?run=<id>} from the page's link ({@link #linked}): the run found is the one
     * {@link #findAgain} gives when the page attaches. Empty when the link names no run or its run is found;
     * else the message that says why the page shows its link's settings instead.
     */
    public Optional<String> openLinked(Map<String, List<String>> query, String owner, String page, Predicate<Run<F>> fits) {
        linked = null;
        List<String> ids = query.get(RunPages.PARAMETER);
        if (ids == null || ids.isEmpty()) {
            return Optional.empty();
        }
        Linked<F> found = linked(runtime, ids.get(0), owner, page, frames, fits);
        linked = found.run();
        return Optional.ofNullable(found.problem());
    }

    /**
     * The run the page's link names ({@link #openLinked}), else the session's latest run of this page, when
     * it is still there, {@code owner}'s, no other page shows it (a run another tab shows stays that tab's)
     * and {@code fits} (it trains what the page's link says). A session's run that went to a cluster's
     * workers when no page watched it ({@link TrainingRuntime#handedAway}) is not found here: the page says
     * where it went, once ({@link WorkersNotice#handedAway}), and starts anew.
     */
    @SuppressWarnings("unchecked")
    public Optional<Run<F>> findAgain(UI ui, String owner, Predicate<Run<F>> fits) {
        if (linked != null) {
            Run<F> opened = linked;
            linked = null;
            return Optional.of(opened);
        }
        Object id = ui.getSession().getAttribute(sessionKey);
        if (id != null && runtime.handedAway(id.toString(), owner)) {
            // no longer this page's run: the next reload has nothing to say about it
            ui.getSession().setAttribute(sessionKey, null);
            WorkersNotice.handedAway(id.toString());
            return Optional.empty();
        }
        Run<?> found = id == null ? null : runtime.find(id.toString(), owner).orElse(null);
        if (found == null || !found.isAlive() || (found.state().ended() && !showsEnded) || found.subscriberCount() > 0
                || !frames.isInstance(found.frames())) {
            return Optional.empty();
        }
        Run<F> typed = (Run<F>) found;
        return fits.test(typed) ? Optional.of(typed) : Optional.empty();
    }

    /**
     * Shows {@code next} from now on (the session remembers it for a reload): its frames, starting with
     * one that carries everything so far, go to {@code onFrame} on the page's thread.
     */
    public void show(UI ui, Run<F> next, Consumer<F> onFrame) {
        unsubscribe();
        int shown = ++generation;
        run = next;
        lastShown = next;
        if (logsLink != null) {
            logsLink.setVisible(next.folder() != null);
        }
        ui.getSession().setAttribute(sessionKey, next.id());
        Run<F>.Subscription sub = next.subscribe(frame -> {
            if (shown == generation) {
                onFrame.accept(frame);
            }
        }, task -> {
            try {
                ui.access(task::run);
                return true;
            } catch (UIDetachedException e) {
                return false;
            }
        });
        subscription = sub;
        silence = pages.watch(ui, sub::close);
    }

    /**
     * Play or pause, the same on every page: the run shown trains on (a finished one too, once its stop
     * epoch has moved further), or, when it cannot, {@code restart} starts a new one from epoch 0 (told
     * to play).
     *
     * @return whether the run shown plays now; empty when there is none or a new one took its place
     */
    public Optional<Boolean> togglePlay(boolean playing, Consumer<Boolean> restart) {
        if (run == null) {
            return Optional.empty();
        }
        if (!run.canTrainOn()) {
            restart.accept(true);
            return Optional.empty();
        }
        if (playing) {
            run.pause();
        } else {
            run.play();
        }
        // at once: a run that waits for a slot sends no frame until it gets one
        return Optional.of(!run.isPaused());
    }

    /** One batch (of every network), then hold; a run that cannot train on gives way to a new one first. */
    public void step(Consumer<Boolean> restart) {
        if (run == null) {
            return;
        }
        if (!run.canTrainOn()) {
            restart.accept(false);
        }
        if (run != null) {
            run.step();
        }
    }

    /**
     * The page goes: it shows no run any more. The run goes on as its owner's (the runtime decides for
     * how long), unless it never trained a batch: a page opened and left leaves nothing to keep (opened
     * again, it starts the same run anew).
     */
    public void leave() {
        if (run != null && run.untouched()) {
            run.stop();
        }
        unsubscribe();
        generation++;
        run = null;
    }

    private void unsubscribe() {
        if (subscription != null) {
            subscription.close();
            subscription = null;
        }
        if (silence != null) {
            silence.end();
            silence = null;
        }
    }
}
