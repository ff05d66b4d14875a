package com.layerlab.app.ui.components;

import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Nav;
import java.util.List;

/**
 * The tabs over a learner's own pages (saved experiments, runs, data): the header has one "My work"
 * link for all three, so that it keeps room on a laptop's screen, and these tabs move between them.
 */
public class MyWorkTabs extends Nav {

    public record Tab(String path, String label) {
    }

    /** The pages, the header's link opening the first. */
    public static final List<Tab> PAGES = List.of(
            new Tab("experiments", "My experiments"), new Tab("runs", "My runs"), new Tab("data", "My data"));

    /** @param current the path of the page that shows the tabs */
    public MyWorkTabs(String current) {
        addClassName("ll-mywork-tabs");
        setId("ll-mywork-tabs");
        for (Tab t : PAGES) {
            Anchor a = new Anchor(t.path(), t.label());
            a.getElement().setAttribute("router-link", true);
            boolean here = t.path().equals(current);
            a.getElement().setAttribute("aria-current", here ? "page" : "false");
            a.setClassName("active", here);
            add(a);
        }
    }

    public static boolean contains(String path) {
        return PAGES.stream().anyMatch(t -> t.path().equals(path));
    }
}
