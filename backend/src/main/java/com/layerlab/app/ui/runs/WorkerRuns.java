package com.layerlab.app.ui.runs;

import com.layerlab.app.cluster.BackgroundRuns;
import com.layerlab.app.cluster.ClusterStore;
import com.layerlab.app.training.RunJournal;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * "My runs" on a server of several nodes: the visitor's background runs (the REST API's, the CNN lab's sent
 * there, and the pages' runs left training), which worker nodes train, read from the database at each of the
 * page's looks, whichever node serves the page. Hidden while there are none.
 */
final class WorkerRuns extends Div {

    /** Background runs listed, the newest. */
    static final int SHOWN = 20;

    private final BackgroundRuns runs;
    private final ClusterStore cluster;
    private final String owner;
    private final boolean signedIn;
    private final Div list = new Div();
    private final Map<String, WorkerRunRow> rows = new HashMap<>();
    /** Each row's metrics text and the epoch it was read at: read again only when the run got further. */
    private final Map<String, Map.Entry<Integer, String>> metrics = new HashMap<>();

    WorkerRuns(BackgroundRuns runs, ClusterStore cluster, String owner, boolean signedIn) {
        this.runs = runs;
        this.cluster = cluster;
        this.owner = owner;
        this.signedIn = signedIn;
        setId("worker-runs");
        list.addClassName("ll-experiment-list");
        Paragraph about = new Paragraph("Background runs train on the server's worker nodes and go on whatever page "
                + "is open: runs started through the REST API or sent from the CNN lab (Train on the workers), and your "
                + "page runs left training when you left their page. What each worker last said, within a second or two:");
        about.addClassName("ll-hint");
        add(new H2("On the workers"), about, list);
        setVisible(false);
    }

    /**
     * Looks again: rows updated in place, new runs added, forgotten ones dropped.
     *
     * @return the ids of the runs listed (a node that is a worker too trains some of them itself: "My runs"
     *         lists them here only)
     */
    Set<String> refresh() {
        List<ClusterStore.Shared> mine;
        try {
            mine = runs.of(owner).stream().limit(SHOWN).toList();
        } catch (RunJournal.Unreachable down) {
            // the database is down for a moment: the rows stay as they were
            return Set.copyOf(rows.keySet());
        }
        List<WorkerRunRow> shown = new ArrayList<>();
        for (ClusterStore.Shared r : mine) {
            WorkerRunRow row = rows.computeIfAbsent(r.id(), id -> new WorkerRunRow(r, new WorkerRunRow.Actions() {
                @Override
                public void stop(ClusterStore.Shared run) {
                    act(() -> runs.stop(run));
                }

                @Override
                public void resume(ClusterStore.Shared run) {
                    act(() -> runs.resume(run, signedIn));
                }
            }));
            row.update(r, metricsOf(r), runs.message(r));
            shown.add(row);
        }
        rows.keySet().retainAll(mine.stream().map(ClusterStore.Shared::id).toList());
        metrics.keySet().retainAll(rows.keySet());
        if (!list.getChildren().toList().equals(shown)) {
            list.removeAll();
            shown.forEach(list::add);
        }
        setVisible(!shown.isEmpty());
        return Set.copyOf(rows.keySet());
    }

    private String metricsOf(ClusterStore.Shared r) {
        Map.Entry<Integer, String> seen = metrics.get(r.id());
        if (seen == null || seen.getKey() != r.epoch()) {
            seen = Map.entry(r.epoch(), RunRow.metrics(cluster.epochs(r.id(), 0)));
            metrics.put(r.id(), seen);
        }
        return seen.getValue();
    }

    private void act(Runnable action) {
        WorkerRunRow.act(action);
        refresh();
    }
}
