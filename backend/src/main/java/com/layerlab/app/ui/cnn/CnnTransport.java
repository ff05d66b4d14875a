package com.layerlab.app.ui.cnn;

import com.layerlab.app.training.CnnFrames;
import com.layerlab.app.training.Run;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.icon.VaadinIcon;

/** The CNN lab's Train, Step, Pause (Resume) and Stop buttons. */
class CnnTransport extends Div {

    private final Button train = new Button("Train", VaadinIcon.PLAY.create());
    private final Button pause = new Button("Pause", VaadinIcon.PAUSE.create());
    private final Button stop = new Button("Stop", VaadinIcon.STOP.create());
    private final Button step = new Button("Step", VaadinIcon.STEP_FORWARD.create());

    /**
     * @param onTrain a new training from epoch 0
     * @param onStep  one batch, then hold (a new training first when none is under way)
     * @param onPause pause, or resume a paused training
     * @param onStop  the training ends
     */
    CnnTransport(Runnable onTrain, Runnable onStep, Runnable onPause, Runnable onStop) {
        train.setId("cnn-train");
        train.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        train.addClickListener(e -> onTrain.run());
        pause.setId("cnn-pause");
        pause.addClickListener(e -> onPause.run());
        stop.setId("cnn-stop");
        stop.addThemeVariants(ButtonVariant.LUMO_ERROR);
        stop.addClickListener(e -> onStop.run());
        pause.setEnabled(false);
        stop.setEnabled(false);
        step.setId("cnn-step");
        step.setTooltipText("Train one batch, then pause: see that step's gradients and weight update");
        step.addClickListener(e -> onStep.run());
        addClassName("cnn-transport");
        add(train, step, pause, stop);
    }

    /**
     * What may be pressed now.
     *
     * @param running      whether a training is under way (loading, training or paused)
     * @param phase        where the training shown is; null before the first
     * @param trainProblem why the experiment cannot train, or null
     */
    void show(boolean running, CnnFrames.Phase phase, String trainProblem) {
        step.setEnabled(trainProblem == null && (!running || phase == CnnFrames.Phase.PAUSED));
        train.setEnabled(!running && trainProblem == null);
        train.setText(phase == null || running ? "Train" : "Train again");
        train.setTooltipText(trainProblem);
        pause.setEnabled(running && phase != CnnFrames.Phase.LOADING);
        stop.setEnabled(running);
        if (!running) {
            showPaused(false);
        }
    }

    /** Pause, or (paused) Resume. */
    void showPaused(boolean paused) {
        pause.setText(paused ? "Resume" : "Pause");
        pause.setIcon(paused ? VaadinIcon.PLAY.create() : VaadinIcon.PAUSE.create());
    }

    /** Pause, or resume {@code run} when it is paused (none: nothing). */
    void togglePause(Run<?> run) {
        if (run == null) {
            return;
        }
        boolean resume = run.isPaused();
        if (resume) {
            run.play();
        } else {
            run.pause();
        }
        showPaused(!resume);
    }

    /** Stops {@code run} (none: nothing). */
    void stop(Run<?> run) {
        if (run != null) {
            run.stop();
            stopping();
        }
    }

    /** Stop was pressed: nothing to pause or stop until the training's next frame says where it is. */
    void stopping() {
        stop.setEnabled(false);
        pause.setEnabled(false);
    }
}
