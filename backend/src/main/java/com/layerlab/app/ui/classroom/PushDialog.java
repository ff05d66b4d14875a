package com.layerlab.app.ui.classroom;

import com.layerlab.app.classroom.Challenge;
import com.layerlab.app.classroom.ClassRefused;
import com.layerlab.app.classroom.Classrooms;
import com.layerlab.app.lab.ControlLocks;
import com.layerlab.app.lab.PlaygroundSettings;
import com.layerlab.app.store.ExperimentStore;
import com.layerlab.app.store.Page;
import com.layerlab.app.training.TrainingRuntime;
import com.layerlab.app.ui.classroom.PushSources.Source;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * "Push to the class": what opens on every student's screen. The source is a lab as it is on the
 * teacher's screen now (their current playground or CNN lab run) or one of their saved experiments of
 * either lab ({@link PushSources}); a challenge also says which of that lab's controls students may change
 * ({@link ControlLocks#PLAYGROUND}, {@link ControlLocks#CNN}) and the goal. Every field is checked here
 * with a message that names it, and {@code Classrooms.push} checks again on the server.
 */
class PushDialog extends Dialog {

    static final int TITLE_MAX = Classrooms.PUSH_TITLE_MAX;
    static final String NOW = PushSources.NOW;
    static final String NOW_CNN = PushSources.NOW_CNN;
    /** The most parameters a goal may name: the CNN lab's networks are far larger than the playground's. */
    static final int MAX_PARAMS_PLAYGROUND = 1_000_000;
    static final int MAX_PARAMS_CNN = 100_000_000;

    /** Sends the push of an experiment of {@code lab}; throws ClassRefused when the server refuses it. */
    interface Sender {
        void push(String title, Page lab, String viewState, String experimentId, Challenge challenge);
    }

    private final PushSources sources;
    private final Sender sender;
    private final Select<Source> source = new Select<>();
    private final TextField title = new TextField("Title");
    private final Checkbox challenge = new Checkbox("Make it a challenge (lock controls, set a goal)");
    private final Map<ControlLocks.Control, Checkbox> unlock = new EnumMap<>(ControlLocks.Control.class);
    private final Select<Challenge.Metric> metric = new Select<>();
    private final TextField target = new TextField("Target");
    private final TextField epochs = new TextField("Within epochs");
    private final TextField params = new TextField("At most parameters");
    private final Div challengeBox = new Div();
    private final Div locks = new Div();
    /** The lab whose controls the challenge form lists now. */
    private Page lab;
    private final Paragraph error = new Paragraph();
    /** The messages of the fields found wrong by the last send, shown together under the form too. */
    private final List<String> problems = new ArrayList<>();

    PushDialog(TrainingRuntime runtime, ExperimentStore store, String ownerKey, Sender sender) {
        this.sources = new PushSources(runtime, store, ownerKey);
        this.sender = sender;
        setId("push-dialog");
        addClassName("ll-push-dialog");
        setHeaderTitle("Push to the class");
        setWidth("640px");

        source.setId("push-source");
        source.setLabel("Experiment");
        source.setItems(sources.list());
        source.setItemLabelGenerator(Source::label);
        source.setWidthFull();
        source.addValueChangeListener(e -> {
            if (e.getValue() == null) {
                return;
            }
            clearErrors(); // the last send's messages were about the source before
            if (title.isEmpty() || e.getOldValue() != null && title.getValue().equals(e.getOldValue().name())) {
                title.setValue(e.getValue().isNow() ? "" : e.getValue().name());
            }
            showLab(e.getValue().lab());
        });
        title.setId("push-title");
        title.setMaxLength(TITLE_MAX);
        title.setWidthFull();
        title.setPlaceholder("What the students' screens say, e.g. Separate the spiral");

        challenge.setId("push-challenge");
        challenge.addValueChangeListener(e -> challengeBox.setVisible(e.getValue()));
        add(source, title, challenge, challengeBox(), error);
        source.setValue(source.getListDataView().getItem(0));
        error.setId("push-error");
        error.addClassName("ll-error");
        error.setVisible(false);

        Button send = new Button("Push to everyone", e -> send());
        send.setId("push-send");
        send.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        Button cancel = new Button("Cancel", e -> close());
        cancel.setId("push-cancel");
        getFooter().add(cancel, send);
    }

    private Div challengeBox() {
        Span caption = new Span("Students may change:");
        caption.addClassName("ll-caption");
        locks.setId("push-unlocks");
        locks.addClassName("ll-push-unlocks");
        Paragraph lockHint = new Paragraph("Unticked controls are locked on the students' pages (and a run that changes "
                + "one is not scored).");
        lockHint.addClassName("ll-hint");
        metric.setId("push-metric");
        metric.setLabel("Goal");
        metric.setItems(Challenge.Metric.values());
        metric.setItemLabelGenerator(m -> m == Challenge.Metric.TEST_LOSS ? "Test loss at most" : "Test accuracy at least (%)");
        metric.addValueChangeListener(e -> target.setPlaceholder(e.getValue() == Challenge.Metric.TEST_ACCURACY ? "e.g. 90" : "e.g. 0.1"));
        target.setId("push-target");
        target.setPlaceholder("e.g. 0.1");
        epochs.setId("push-epochs");
        epochs.setPlaceholder("any");
        epochs.setHelperText("empty: any epoch");
        params.setId("push-params");
        params.setPlaceholder("any");
        params.setHelperText("empty: any size");
        Div goal = new Div(metric, target, epochs, params);
        goal.addClassName("ll-push-goal");
        challengeBox.add(caption, locks, lockHint, goal);
        challengeBox.addClassName("ll-push-challenge");
        challengeBox.setVisible(false);
        return challengeBox;
    }

    /**
     * The challenge form for {@code next}'s controls, in its form's order; a control both labs have keeps
     * its tick. A CNN lab challenge's goal is an accuracy by default (what its image classifiers are judged
     * by), a playground's a test loss.
     */
    private void showLab(Page next) {
        if (next == lab) {
            return;
        }
        lab = next;
        Map<ControlLocks.Control, Boolean> was = new EnumMap<>(ControlLocks.Control.class);
        unlock.forEach((c, box) -> was.put(c, box.getValue()));
        unlock.clear();
        locks.removeAll();
        for (ControlLocks.Control c : next == Page.CNN ? ControlLocks.CNN : ControlLocks.PLAYGROUND) {
            Checkbox box = new Checkbox(c.label(), was.getOrDefault(c, false));
            box.setId("push-unlock-" + c.name());
            unlock.put(c, box);
            locks.add(box);
        }
        challengeBox.getElement().setAttribute("data-lab", next.id());
        metric.setValue(next == Page.CNN ? Challenge.Metric.TEST_ACCURACY : Challenge.Metric.TEST_LOSS);
    }

    private void send() {
        clearErrors();
        Source s = source.getValue();
        String viewState = null;
        if (s == null) {
            invalid(source, "Experiment: choose what to push.");
        } else {
            PushSources.Resolved r = sources.resolve(s);
            viewState = r.viewState();
            if (r.problem() != null) {
                invalid(source, r.problem());
            }
        }
        String t = title.getValue().trim();
        if (t.isEmpty() && s != null) {
            t = s.isNow() ? "Experiment from your teacher" : s.name();
        }
        if (t.length() > TITLE_MAX) {
            invalid(title, "Title: at most " + TITLE_MAX + " characters.");
        }
        Challenge c = challenge.getValue() ? challenge() : null;
        if (hasErrors()) {
            return;
        }
        try {
            sender.push(t, s.lab(), viewState, s.experimentId(), c);
            close();
        } catch (ClassRefused refused) {
            showError(refused.getMessage());
        }
    }

    /** The challenge the form describes, or null with the fields' messages set. */
    private Challenge challenge() {
        Set<ControlLocks.Control> open = EnumSet.noneOf(ControlLocks.Control.class);
        unlock.forEach((control, box) -> {
            if (box.getValue()) {
                open.add(control);
            }
        });
        Challenge.Metric m = metric.getValue();
        Double value = number(target);
        double goal = 0;
        if (value == null) {
            invalid(target, m == Challenge.Metric.TEST_ACCURACY ? "Target: an accuracy in percent, e.g. 90."
                    : "Target: a test loss, e.g. 0.1.");
        } else if (m == Challenge.Metric.TEST_ACCURACY) {
            if (value <= 0 || value > 100) {
                invalid(target, "Target: an accuracy in percent, more than 0 and at most 100.");
            }
            goal = value / 100;
        } else {
            if (value <= 0) {
                invalid(target, "Target: a test loss above 0 (a loss is never below 0).");
            }
            goal = value;
        }
        Integer within = whole(epochs, "Within epochs", PlaygroundSettings.MAX_EPOCHS);
        Integer most = whole(params, "At most parameters", lab == Page.CNN ? MAX_PARAMS_CNN : MAX_PARAMS_PLAYGROUND);
        if (hasErrors()) {
            return null;
        }
        return new Challenge(open, new Challenge.Goal(m, goal, within, most));
    }

    private Double number(TextField f) {
        String v = f.getValue().trim().replace(',', '.');
        if (v.isEmpty()) {
            return null;
        }
        try {
            double d = Double.parseDouble(v);
            return Double.isFinite(d) ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A whole number of 0..max, empty = 0 (any); null with the field's message when it is not. */
    private Integer whole(TextField f, String name, int max) {
        String v = f.getValue().trim();
        if (v.isEmpty()) {
            return 0;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 0 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        invalid(f, String.format(Locale.ROOT, "%s: a whole number from 1 to %,d, or empty for any.", name, max));
        return 0;
    }

    private void invalid(com.vaadin.flow.component.HasValidation field, String message) {
        field.setInvalid(true);
        field.setErrorMessage(message);
        problems.add(message);
        showError(String.join(" ", problems));
    }

    private void showError(String message) {
        error.setText(message);
        error.setVisible(true);
    }

    private boolean hasErrors() {
        return !problems.isEmpty();
    }

    private void clearErrors() {
        problems.clear();
        for (com.vaadin.flow.component.HasValidation f : List.of(source, title, target, epochs, params)) {
            f.setInvalid(false);
        }
        error.setVisible(false);
    }
}
