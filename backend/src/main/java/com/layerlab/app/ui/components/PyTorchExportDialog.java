package com.layerlab.app.ui.components;

import com.layerlab.app.training.Run;
import com.layerlab.app.ui.Downloads;
import com.layerlab.engine.experiment.Experiment;
import com.layerlab.engine.experiment.Models;
import com.layerlab.engine.experiment.PyTorchExport;
import com.layerlab.engine.experiment.Safetensors;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.notification.Notification;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * "Export to PyTorch": the model as a Python {@code nn.Module} (the code {@link PyTorchExport} writes,
 * with a copy button), the code and the weights as downloads ({@code model.py},
 * {@code weights.safetensors}, keyed as PyTorch's {@code state_dict()}), and how to load them.
 */
public class PyTorchExportDialog extends Dialog {

    /** How long a download waits for the training thread to hand over the weights. */
    private static final long WEIGHTS_TIMEOUT_SECONDS = 60;

    private final String code;

    /**
     * @param e           the model to export (its code is made now; an invalid experiment throws
     *                    {@link com.layerlab.engine.experiment.ExperimentException})
     * @param weightsNote where the weights come from, for the reader
     * @param weights     the safetensors bytes, made when the download is asked for (on its request thread)
     */
    public PyTorchExportDialog(Experiment e, String weightsNote, Callable<byte[]> weights) {
        this.code = PyTorchExport.code(e);
        String cls = PyTorchExport.className(e.name());
        setId("export-dialog");
        setHeaderTitle("Export to PyTorch");
        setWidth("min(880px, 96vw)");

        Paragraph intro = new Paragraph("The model as a PyTorch nn.Module in the course's style, and its weights as a "
                + "safetensors file keyed as PyTorch's state_dict(): the same network in PyTorch, giving the same outputs.");
        intro.getStyle().set("margin", "0 0 var(--lumo-space-xs) 0").set("font-size", "var(--lumo-font-size-s)");
        Paragraph note = new Paragraph(weightsNote);
        note.setId("export-weights-note");
        note.getStyle().set("margin", "0 0 var(--lumo-space-s) 0").set("font-size", "var(--lumo-font-size-s)")
                .set("color", "var(--lumo-secondary-text-color)");

        Pre source = new Pre(code);
        source.setId("export-code");
        source.getStyle().set("max-height", "46vh").set("overflow", "auto").set("margin", "0")
                .set("padding", "var(--lumo-space-s) var(--lumo-space-m)").set("background", "var(--lumo-contrast-5pct)")
                .set("border-radius", "var(--lumo-border-radius-m)").set("font-size", "12px").set("line-height", "1.4");

        Button copy = new Button("Copy code", VaadinIcon.COPY_O.create());
        copy.setId("export-copy");
        copy.addThemeVariants(ButtonVariant.LUMO_SMALL);
        copy.addClickListener(ev -> getElement().executeJs(
                "return (navigator.clipboard ? navigator.clipboard.writeText($0) : Promise.reject()).then(() => true, () => false);",
                code).then(Boolean.class, ok -> Notification.show(Boolean.TRUE.equals(ok) ? "Code copied."
                        : "Copying was not allowed here: download model.py instead.", 2500, Notification.Position.BOTTOM_START)));

        Anchor modelPy = new Anchor(Downloads.file("model.py", "text/x-python; charset=utf-8",
                () -> code.getBytes(java.nio.charset.StandardCharsets.UTF_8)), "model.py");
        modelPy.setId("export-model-py");
        modelPy.getElement().setAttribute("download", "model.py");
        Anchor weightsFile = new Anchor(Downloads.file("weights.safetensors", "application/octet-stream", weights),
                "weights.safetensors");
        weightsFile.setId("export-weights");
        weightsFile.getElement().setAttribute("download", "weights.safetensors");
        Span downloads = new Span("Download:");
        Div actions = new Div(copy, downloads, modelPy, weightsFile);
        actions.getStyle().set("display", "flex").set("flex-wrap", "wrap").set("align-items", "center")
                .set("gap", "var(--lumo-space-m)").set("margin", "var(--lumo-space-s) 0");

        Span howTitle = new Span("Load them in Python (pip install torch safetensors), next to the two files:");
        howTitle.addClassName("ll-hint");
        Pre how = new Pre("import safetensors.torch\n"
                + "from model import " + cls + "\n\n"
                + "model = " + cls + "()\n"
                + "model.load_state_dict(safetensors.torch.load_file(\"weights.safetensors\"))\n"
                + "model.eval()");
        how.setId("export-load");
        how.getStyle().set("margin", "var(--lumo-space-xs) 0 0 0").set("padding", "var(--lumo-space-s) var(--lumo-space-m)")
                .set("background", "var(--lumo-contrast-5pct)").set("border-radius", "var(--lumo-border-radius-m)")
                .set("font-size", "12px");

        add(intro, note, source, actions, howTitle, how);
        Button close = new Button("Close", ev -> close());
        close.setId("export-close");
        getFooter().add(close);
    }

    /** The code shown and downloaded. */
    public String code() {
        return code;
    }

    /** The weights the experiment's seed gives before any training (training starts from the same ones). */
    public static byte[] initialWeights(Experiment e) {
        return Safetensors.toBytes(Models.build(e).stateDict(), Map.of("format", "pt", "epoch", "0"));
    }

    /** The current weights of a run's trainer {@code index}, handed over by its thread between two batches. */
    public static byte[] trainedWeights(Run<?> run, int index) throws Exception {
        return run.weights(index).get(WEIGHTS_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
}
