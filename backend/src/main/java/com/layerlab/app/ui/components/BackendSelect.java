package com.layerlab.app.ui.components;

import com.layerlab.app.training.BackendChoices;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.data.renderer.TextRenderer;
import java.util.function.Consumer;

/**
 * A page's choice of where its runs train: the menu {@link BackendChoices} makes (auto, each backend
 * with its device, an unavailable one disabled with the reason); not shown where there is nothing to
 * choose.
 */
public class BackendSelect extends Select<String> {

    private final BackendChoices choices;

    /** {@code onChoice}: the learner picked a backend. */
    public BackendSelect(BackendChoices choices, Consumer<String> onChoice) {
        this.choices = choices;
        setLabel("Backend");
        setId("backend-select");
        setItems(choices.choices().stream().map(BackendChoices.Choice::backend).toList());
        // the menu names each backend's device; the chosen one shows as its name alone, so that it fits the toolbar
        setRenderer(new TextRenderer<>(b -> choices.choice(b).map(BackendChoices.Choice::label).orElse(b)));
        setItemLabelGenerator(b -> b);
        setItemEnabledProvider(choices::offers);
        setTooltipText("Where this experiment's runs train; it is kept in the experiment's link");
        setVisible(choices.worthShowing());
        addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                onChoice.accept(e.getValue());
            }
        });
    }

    /** Shows the experiment's backend (one not offered here shows as auto, which is where it trains). */
    public void show(String backend) {
        setValue(choices.keep(backend).backend());
    }
}
