package com.layerlab.app.ui.cnn;

import com.layerlab.app.training.CnnFrames;
import com.layerlab.app.training.RunDevice;
import com.layerlab.app.training.RunStatus;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.progressbar.ProgressBar;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

/**
 * The training's status line: what it does, a progress bar, the epoch and batch, its speed and the
 * learning rate, the time left, where it trains (backend and device), and the TensorBoard logs link.
 */
class CnnProgressRow extends Div {

    private final Span status = new Span();
    private final ProgressBar progress = new ProgressBar();
    private final Span epochText = new Span();
    private final Span speed = new Span();
    private final Span eta = new Span();
    private final Span device = new Span();
    private final Anchor logs = new Anchor();

    CnnProgressRow() {
        status.setId("cnn-status");
        status.addClassName("cnn-status");
        progress.setId("cnn-progress");
        progress.setMin(0);
        progress.setMax(1);
        progress.addClassName("cnn-progress");
        epochText.setId("cnn-epoch");
        speed.setId("cnn-speed");
        eta.setId("cnn-eta");
        device.setId("cnn-device");
        for (Span s : List.of(epochText, speed, eta, device)) {
            s.addClassName("cnn-metric");
        }
        logs.setId("cnn-logs");
        logs.setText("TensorBoard logs (.zip)");
        logs.getElement().setAttribute("title", "This run's event files: unzip, then tensorboard --logdir <folder>");
        logs.addClassName("cnn-logs");
        add(status, progress, epochText, speed, eta, device, logs);
        addClassName("cnn-progress-row");
    }

    /** The link to the shown run's TensorBoard files ({@link com.layerlab.app.ui.RunOnPage#linkLogs}). */
    Anchor logsLink() {
        return logs;
    }

    /** Before any training: whether the experiment can train ({@code trainProblem} null) or not. */
    void ready(String trainProblem) {
        status.setText(trainProblem == null ? "Ready: press Train." : "Not ready to train: see the note above.");
    }

    /** A new training: nothing done yet. */
    void reset() {
        device.setText("");
        progress.setValue(0);
        epochText.setText("");
        speed.setText("");
        eta.setText("");
    }

    /** Where the training runs ({@link RunDevice#where}): read at every frame, as its device may fail. */
    void showWhere(String where) {
        device.setText(where);
    }

    /** A training just started: it loads its data and builds its model until its first frame. */
    void loading() {
        status.setText("Loading the data and building the model\u2026");
        progress.setIndeterminate(true);
    }

    void show(CnnFrames.Progress p) {
        progress.setIndeterminate(p.phase() == CnnFrames.Phase.LOADING);
        progress.setValue(p.batches() > 0 ? Math.min(1, (double) p.batch() / p.batches()) : 0);
        // a comparison's runs train in lock step: one counter for all, partial epochs included
        epochText.setText(p.batches() == 0 ? "" : "Epoch " + RunStatus.epochs(p.progress()) + " of " + p.epochs()
                + (p.batch() > 0 ? " \u00b7 batch " + p.batch() + " of " + p.batches() : ""));
        speed.setText((Double.isFinite(p.imagesPerSecond()) && p.imagesPerSecond() > 0
                ? String.format(Locale.ROOT, "%,.0f images/s \u00b7 ", p.imagesPerSecond()) : "")
                + (Double.isFinite(p.learningRate()) ? "lr " + rate(p.learningRate()) : ""));
        eta.setText(Double.isFinite(p.epochEta()) && p.phase() == CnnFrames.Phase.TRAINING
                ? "epoch: " + duration(p.epochEta()) + " left \u00b7 all: " + duration(p.totalEta()) + " left" : "");
        status.setText(switch (p.phase()) {
            case WAITING -> p.message();
            case LOADING -> "Loading the data and building the model\u2026";
            case TRAINING -> "Training\u2026";
            case PAUSED -> "Paused: press Step for one more batch, change the learning rate, or pick test images.";
            case STOPPED -> p.message() == null ? "Stopped." : p.message();
            case DONE -> "Done: " + p.epochs() + (p.epochs() == 1 ? " epoch." : " epochs.");
            case FAILED -> p.message();
        });
        status.setClassName("cnn-error-text", p.phase() == CnnFrames.Phase.FAILED);
    }

    /** A learning rate as written: 0.001, not 1.0E-3. */
    static String rate(double lr) {
        return BigDecimal.valueOf(lr).stripTrailingZeros().toPlainString();
    }

    private static String duration(double seconds) {
        if (!Double.isFinite(seconds)) {
            return "\u2013";
        }
        long s = Math.max(0, Math.round(seconds));
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
