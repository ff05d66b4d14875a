package com.layerlab.app.ui;

import com.layerlab.app.ui.runs.WorkerRunView;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;

/**
 * How every page says that a run of the learner's trains on a cluster's worker nodes (docs/cluster.md), with a
 * link to its live page ({@link WorkerRunView}) and one to "My runs", where it is listed under "On the
 * workers": a page's run handed there when its page was left, or a run the learner sent there.
 */
public final class WorkersNotice {

    /** Where "My runs" lists the runs on the workers. */
    public static final String MY_RUNS = "runs";

    private WorkersNotice() {
    }

    /** The page's run went on on the workers when the learner left the page: it is not this page's any more. */
    public static void handedAway(String runId) {
        show("run-handed-away", runId, "Your run went on on the worker nodes when you left this page: it is in My runs, "
                + "under On the workers. This page starts anew.", NotificationVariant.LUMO_CONTRAST);
    }

    /** A run the learner sent to the workers is queued there. */
    public static void submitted(String what, String runId) {
        show("run-on-workers", runId, "\u201c" + what + "\u201d goes to the worker nodes: it trains there whatever page you open, and is in "
                + "My runs, under On the workers.", NotificationVariant.LUMO_SUCCESS);
    }

    private static void show(String id, String runId, String text, NotificationVariant variant) {
        Notification n = new Notification();
        n.setId(id);
        n.addThemeVariants(variant);
        n.setPosition(Notification.Position.TOP_CENTER);
        n.setDuration(15_000);
        Anchor watch = new Anchor(WorkerRunView.link(runId), "Watch it");
        watch.addClassName("ll-workers-watch");
        Anchor myRuns = new Anchor(MY_RUNS, "Open My runs");
        myRuns.addClassName("ll-workers-link");
        // either page shows it: the notice has said what it had to
        watch.getElement().addEventListener("click", e -> n.close());
        myRuns.getElement().addEventListener("click", e -> n.close());
        Button close = new Button(VaadinIcon.CLOSE_SMALL.create(), e -> n.close());
        close.addThemeVariants(ButtonVariant.LUMO_TERTIARY_INLINE);
        close.setAriaLabel("Close");
        // the link flows on after the text, not in a column of its own
        Div row = new Div(new Div(new Span(text + " "), watch, new Span(" \u00b7 "), myRuns), close);
        row.addClassName("ll-notification-row");
        n.add(row);
        n.open();
    }
}
