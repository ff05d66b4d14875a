package com.layerlab.app.ui.runs;

import com.layerlab.app.cluster.ClusterStore;
import com.layerlab.app.training.OverLimit;
import com.layerlab.app.training.RunJournal;
import com.layerlab.app.ui.LimitNotice;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.layerlab.app.training.RunState;
import com.layerlab.app.training.RunStatus;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import java.util.Locale;

/**
 * One background run in "My runs" on a server of several nodes: it trains on a worker node (or waits for
 * one), and this row shows what that node last wrote to the database: its state, which node trains it, its
 * progress and latest metrics, and what happened between nodes (a takeover). Stop and resume reach the
 * worker through the database; Watch opens the run's live page ({@link WorkerRunView}).
 */
final class WorkerRunRow extends Div {

    /** What the row's buttons ask of the run's worker. */
    interface Actions {
        void stop(ClusterStore.Shared run);

        void resume(ClusterStore.Shared run);
    }

    private final Span state = new Span();
    private final Span details = new Span();
    private final Span progress = new Span();
    private final Div message = new Div();
    private final Button stop = new Button("Stop", VaadinIcon.STOP.create());
    private final Button resume = new Button("Resume", VaadinIcon.PLAY.create());
    private ClusterStore.Shared run;

    WorkerRunRow(ClusterStore.Shared run, Actions actions) {
        this.run = run;
        Div main = RunRow.main(this, run.id(), RunRow.name(run.entry().experiments(), run.entry().page()), state, details,
                progress, message);
        addClassName("ll-worker-run");
        stop.addClassName("ll-run-stop");
        stop.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_ERROR);
        stop.addClickListener(e -> actions.stop(this.run));
        resume.addClassName("ll-run-resume");
        resume.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_SMALL);
        resume.addClickListener(e -> actions.resume(this.run));
        Anchor watch = new Anchor(WorkerRunView.link(run.id()), "Watch");
        watch.addClassNames("ll-run-open", "ll-run-watch");
        // navigate inside the app, as the layout's links do
        watch.getElement().setAttribute("router-link", true);
        Div tools = new Div(watch, resume, stop);
        tools.addClassName("ll-row-tools");
        add(main, tools);
    }

    /**
     * Shows the run as the database has it now.
     *
     * @param metrics what its latest epoch's metrics say (RunRow.metrics), or ""
     * @param why     why it waits, what happened between nodes, why it ended; or null
     */
    void update(ClusterStore.Shared now, String metrics, String why) {
        this.run = now;
        RunState st = now.shown();
        String stateText = st.name().toLowerCase(Locale.ROOT);
        state.setText(stateText);
        state.getElement().setAttribute("data-state", stateText);
        String where = now.node() == null ? "no worker has it yet" : (st.ended() ? "trained on " : "training on ") + now.node();
        details.setText(RunRow.what(now.entry().experiments()) + " \u00b7 started "
                + RunRow.STARTED.format(now.entry().started()) + " UTC \u00b7 " + where);
        String epochs = "Epoch " + RunStatus.epochs(now.epoch()) + (now.entry().epochs() > 0 ? " of " + now.entry().epochs() : "");
        progress.setText((now.batch() > 0 && now.batches() > 0 && !st.ended()
                ? epochs + " \u00b7 batch " + now.batch() + " of " + now.batches() : epochs) + metrics);
        message.setText(why == null ? "" : why);
        message.setVisible(why != null);
        stop.setVisible(!st.ended());
        resume.setVisible(st == RunState.STOPPED || st == RunState.INTERRUPTED);
    }

    ClusterStore.Shared run() {
        return run;
    }

    /**
     * Does what a button asks of a run on the workers (stop, pause, resume), showing a refusal as the pages
     * show one: a limit's notice, or why (it ended meanwhile, no worker has its backend, the database is down).
     */
    static void act(Runnable action) {
        try {
            action.run();
        } catch (OverLimit over) {
            LimitNotice.show(over);
        } catch (IllegalStateException | RunJournal.Unreachable refused) {
            Notification n = Notification.show(refused.getMessage(), 6000, Notification.Position.MIDDLE);
            n.addThemeVariants(NotificationVariant.LUMO_ERROR);
        }
    }
}
