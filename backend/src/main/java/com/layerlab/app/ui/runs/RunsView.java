package com.layerlab.app.ui.runs;

import com.layerlab.app.account.CurrentOwner;
import com.layerlab.app.cluster.BackgroundRuns;
import com.layerlab.app.cluster.ClusterStore;
import com.layerlab.app.training.OverLimit;
import com.layerlab.app.training.Run;
import com.layerlab.app.training.RunJournal;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.app.ui.LimitNotice;
import com.layerlab.app.ui.MainLayout;
import com.layerlab.app.ui.components.MyWorkTabs;
import com.layerlab.app.ui.components.RowActions;
import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import com.vaadin.flow.shared.Registration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;

/**
 * "My runs": the trainings of this visitor (or user), newest first, whatever page started them, to open
 * again, pause, resume or stop, and an interrupted one to resume or discard. While the page is open it looks again every second (a poll: nothing
 * runs for it once it is closed).
 */
@AnonymousAllowed
@Route(value = "runs", layout = MainLayout.class)
@PageTitle("LayerLab · My runs")
public class RunsView extends Div implements BeforeEnterObserver {

    static final int REFRESH_MS = 1000;

    private final TrainingRuntime runtime;
    private final CurrentOwner owner;
    private final Div list = new Div();
    private final Paragraph none = new Paragraph("No runs yet: a training you start on any page shows up here.");
    private final Map<String, RunRow> rows = new HashMap<>();
    /** The background runs on the worker nodes, on a server of several nodes; null on a single server. */
    private final WorkerRuns workerRuns;
    private Registration poll;

    public RunsView(TrainingRuntime runtime, CurrentOwner owner, ObjectProvider<BackgroundRuns> background,
                    ClusterStore cluster) {
        this.runtime = runtime;
        this.owner = owner;
        BackgroundRuns onWorkers = background.getIfAvailable();
        this.workerRuns = onWorkers == null ? null
                : new WorkerRuns(onWorkers, cluster, owner.key(), owner.username().isPresent());
        setId("my-runs");
        addClassName("ll-store-page");
        list.addClassName("ll-experiment-list");
        none.setId("my-runs-empty");
        String signedIn = owner.username().isPresent()
                ? "Signed in, your runs train on when their page closes" + (onWorkers == null ? "" : ", on the worker nodes")
                + " (at most " + runtime.signedIn().maxTraining()
                + " at once; a further one pauses), and one left paused or finished with no page"
                + (runtime.signedIn().idle().isZero() ? "" : " for " + RunRow.ago(runtime.signedIn().idle())) + " is closed."
                : "Without an account a run stops once no page has shown it for " + runtime.unwatched().toSeconds()
                + " s; sign in to have your runs train on without a page.";
        Paragraph about = new Paragraph("The trainings you started, newest first. " + signedIn);
        about.addClassName("ll-hint");
        add(new MyWorkTabs("runs"), new H1("My runs"), about, list);
        if (workerRuns != null) {
            add(workerRuns);
        }
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        refresh();
    }

    @Override
    protected void onAttach(AttachEvent attachEvent) {
        super.onAttach(attachEvent);
        attachEvent.getUI().setPollInterval(REFRESH_MS);
        poll = attachEvent.getUI().addPollListener(e -> refresh());
    }

    @Override
    protected void onDetach(DetachEvent detachEvent) {
        if (poll != null) {
            poll.remove();
            poll = null;
        }
        detachEvent.getUI().setPollInterval(-1);
        super.onDetach(detachEvent);
    }

    private void discard(Run<?> interrupted) {
        RowActions.confirm("Discard", RunRow.name(interrupted), "The run will not resume: its last checkpoint and its "
                + "TensorBoard files are deleted from the server. Experiments saved from it keep their weights. This cannot "
                + "be undone.", () -> {
                    try {
                        runtime.discard(interrupted.id(), owner.key());
                    } catch (RunJournal.Unreachable down) {
                        Notification n = Notification.show(down.getMessage() + ": the run is kept. Try again in a moment.",
                                6000, Notification.Position.MIDDLE);
                        n.addThemeVariants(NotificationVariant.LUMO_ERROR);
                    }
                    // resumed meanwhile (another tab), it is not discarded: the refresh shows it training
                    refresh();
                });
    }

    private void resume(Run<?> interrupted) {
        try {
            runtime.resume(interrupted, owner.username().isPresent());
        } catch (OverLimit refused) {
            LimitNotice.show(refused);
        } catch (IllegalStateException resumedAlready) {
            // a second click, or another tab, resumed it first: the refresh shows the run it is now
        }
        refresh();
    }

    /** Updates the rows in place (a button being clicked stays), adding new runs and dropping forgotten ones. */
    private void refresh() {
        Set<String> onWorkers = workerRuns == null ? Set.of() : workerRuns.refresh();
        // a page opened and left untouched made a run that did nothing: not worth a row
        List<Run<?>> mine = runtime.runsOf(owner.key()).stream()
                .filter(r -> !r.untouched() && !onWorkers.contains(r.id())).toList();
        List<RunRow> shown = new ArrayList<>();
        Map<String, RunRow> kept = new HashMap<>();
        for (Run<?> r : mine) {
            RunRow row = rows.get(r.id());
            if (row == null || row.run() != r) {
                // a resumed run is a new run under the same id: a row of its own
                row = new RunRow(r, this::refresh, () -> resume(r), () -> discard(r), runtime.droppedAt(r));
                rows.put(r.id(), row);
            }
            row.update();
            shown.add(row);
            kept.put(r.id(), row);
        }
        rows.keySet().retainAll(kept.keySet());
        List<Object> now = list.getChildren().map(Object.class::cast).toList();
        none.setText(onWorkers.isEmpty() ? "No runs yet: a training you start on any page shows up here."
                : "No trainings of a page: your runs below train on the worker nodes.");
        List<Object> wanted = shown.isEmpty() ? List.of(none) : List.copyOf(shown);
        if (!now.equals(wanted)) {
            list.removeAll();
            if (shown.isEmpty()) {
                list.add(none);
            } else {
                shown.forEach(list::add);
            }
        }
    }
}
