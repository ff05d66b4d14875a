package com.layerlab.app.ui.playground;

import com.layerlab.app.training.RunStatus;
import com.layerlab.app.ui.components.LiveText;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;

/**
 * The playground's player: reset, play or pause, step (one batch), stop, a new seed, and the epoch
 * counter with the batch under way.
 */
class PlayerControls extends Div {

    private final Button playButton = new Button();
    private final Span epochLabel = new Span();
    private final Span batchLabel = new Span();

    /**
     * @param onReset   back to epoch 0 with the same starting weights
     * @param onPlay    play or pause
     * @param onStep    one batch
     * @param onStop    the run ends
     * @param onNewSeed other starting weights
     */
    PlayerControls(Runnable onReset, Runnable onPlay, Runnable onStep, Runnable onStop, Runnable onNewSeed) {
        playButton.setId("play-button");
        playButton.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        playButton.addClassName("ll-play");
        playButton.addClickListener(e -> onPlay.run());
        Button step = round(VaadinIcon.STEP_FORWARD, "step-button", "Step one batch",
                "Train one batch: one step of gradient descent", onStep);
        Button reset = round(VaadinIcon.ROTATE_LEFT, "reset-button", "Reset",
                "Back to epoch 0 with the same starting weights", onReset);
        Button stop = round(VaadinIcon.STOP, "stop-button", "Stop",
                "End this run: it trains no more (play starts again from epoch 0)", onStop);
        Button newSeed = round(VaadinIcon.RANDOM, "new-seed-button", "New seed",
                "New seed: different starting weights, same data", onNewSeed);
        Div buttons = new Div(reset, playButton, step, stop, newSeed);
        buttons.addClassName("ll-player");

        Div epoch = new Div();
        epoch.addClassName("ll-epoch");
        Span caption = new Span("Epoch");
        caption.addClassName("ll-caption");
        epochLabel.setId("epoch");
        batchLabel.setId("epoch-batch");
        batchLabel.addClassName("ll-caption");
        epoch.add(caption, epochLabel, batchLabel);
        // the toolbar lays the buttons and the counter out as two of its items
        getStyle().set("display", "contents");
        add(buttons, epoch);
        showPlaying(false);
    }

    private static Button round(VaadinIcon icon, String id, String label, String tooltip, Runnable onClick) {
        Button b = new Button(icon.create());
        b.setId(id);
        b.setAriaLabel(label);
        b.setTooltipText(tooltip);
        b.addThemeVariants(ButtonVariant.LUMO_CONTRAST, ButtonVariant.LUMO_TERTIARY);
        b.addClassName("ll-round");
        b.addClickListener(e -> onClick.run());
        return b;
    }

    /** Play or pause on the button; its icon changes only when this does (a click could miss a button redrawn at every frame). */
    void showPlaying(boolean playing) {
        if (String.valueOf(playing).equals(playButton.getElement().getAttribute("data-playing"))) {
            return;
        }
        playButton.setIcon(playing ? VaadinIcon.PAUSE.create() : VaadinIcon.PLAY.create());
        playButton.setAriaLabel(playing ? "Pause" : "Play");
        playButton.getElement().setAttribute("data-playing", String.valueOf(playing));
    }

    /** The epochs done and the batch under way ("000,003", "batch 2 of 25"). */
    void showProgress(RunStatus status) {
        LiveText.set(epochLabel, formatEpoch(status.epoch()));
        epochLabel.getElement().setAttribute("data-epoch", String.valueOf(status.epoch()));
        epochLabel.getElement().setAttribute("data-progress", String.valueOf(status.progress()));
        // tests (and scripts) tell the frame of where a paused run holds from one sent while it still trained
        epochLabel.getElement().setAttribute("data-state", status.state().name());
        LiveText.set(batchLabel, status.batch() == 0 ? "" : "batch " + status.batch() + " of " + status.batches());
    }

    /** Epochs as TensorFlow Playground counts them: 000,042. */
    static String formatEpoch(int epoch) {
        DecimalFormat f = new DecimalFormat("000,000", DecimalFormatSymbols.getInstance(Locale.ROOT));
        return f.format(epoch);
    }
}
