package com.layerlab.app.ui.store;

import com.layerlab.app.store.ExperimentSummary;
import com.layerlab.app.store.Page;
import com.vaadin.flow.component.html.Div;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;

/** One saved experiment in a list (mine, the gallery): its name as a link, its page, when, how far trained. */
final class ExperimentRows {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private ExperimentRows() {
    }

    static Div row(ExperimentSummary e) {
        String page = Arrays.stream(Page.values()).filter(p -> p.id().equals(e.getPage())).map(Page::label)
                .findFirst().orElse(e.getPage());
        Div row = new Div(MyExperimentsView.open(e), MyExperimentsView.hint(page + " · epoch " + e.getTrainedEpoch()
                + " · " + DATE.format(e.getCreatedAt()) + " UTC"));
        row.addClassName("ll-experiment-row");
        row.getElement().setAttribute("data-id", e.getId());
        return row;
    }
}
