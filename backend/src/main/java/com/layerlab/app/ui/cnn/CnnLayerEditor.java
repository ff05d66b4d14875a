package com.layerlab.app.ui.cnn;

import com.layerlab.app.lab.CnnFormula;
import com.layerlab.app.lab.CnnInspection;
import com.layerlab.app.lab.CnnLayerTypes;
import com.layerlab.engine.experiment.LayerSpec;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.component.textfield.TextFieldVariant;
import com.vaadin.flow.data.value.ValueChangeMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The CNN lab's layer stack: the input shape, then one row per layer with its PyTorch fields, its
 * output shape and parameter count, the size formula with its numbers, and, for a layer that breaks
 * the shapes, the reason in red. Rows are added, removed and moved with buttons; every change goes to
 * the listener, which inspects the model and hands the result back through {@link #show}.
 */
public class CnnLayerEditor extends Div {

    private final List<LayerSpec> layers = new ArrayList<>();
    private final List<Row> rows = new ArrayList<>();
    private final Div rowBox = new Div();
    private final Checkbox inputFromData = new Checkbox("from the data set");
    private final TextField inputShape = new TextField();
    private final Span inputNote = new Span();
    private final Span total = new Span();
    private final Select<String> addType = new Select<>();
    private final Button add = new Button("Add layer", VaadinIcon.PLUS.create());
    private Consumer<List<LayerSpec>> onLayers = l -> { };
    private Consumer<List<Integer>> onInput = s -> { };
    private int[] dataShape;
    /** Whether a class's challenge locks the layer stack. */
    private boolean locked;

    public CnnLayerEditor() {
        setId("cnn-editor");
        addClassName("cnn-editor");

        Span inputLabel = new Span("Input");
        inputLabel.addClassName("cnn-input-label");
        inputShape.setId("cnn-input-shape");
        inputShape.setPlaceholder("C, H, W");
        inputShape.addThemeVariants(TextFieldVariant.LUMO_SMALL);
        inputShape.setValueChangeMode(ValueChangeMode.LAZY);
        inputShape.setValueChangeTimeout(300);
        inputShape.setWidth("9em");
        inputShape.getElement().setAttribute("aria-label", "input_shape");
        inputShape.addValueChangeListener(e -> {
            if (e.isFromClient() && !inputFromData.getValue()) {
                List<Integer> shape = parseShape(e.getValue());
                inputShape.setInvalid(shape == null);
                inputShape.setErrorMessage(shape == null ? "1 to 4 positive integers, e.g. 3, 32, 32" : null);
                if (shape != null) {
                    onInput.accept(shape);
                }
            }
        });
        inputFromData.setId("cnn-input-from-data");
        inputFromData.addValueChangeListener(e -> {
            if (!e.isFromClient()) {
                return;
            }
            inputShape.setReadOnly(e.getValue());
            if (e.getValue()) {
                onInput.accept(null);
            } else {
                List<Integer> shape = parseShape(inputShape.getValue());
                onInput.accept(shape != null ? shape : dataShape == null ? null : toList(dataShape));
            }
        });
        inputNote.setId("cnn-input-note");
        inputNote.addClassName("ll-hint");
        Div input = new Div(inputLabel, inputShape, inputFromData, inputNote);
        input.addClassName("cnn-input-row");

        rowBox.setId("cnn-layers");
        rowBox.addClassName("cnn-layers");

        addType.setId("cnn-add-type");
        addType.setItems(CnnLayerTypes.TYPES);
        addType.setValue("Conv2d");
        addType.setWidth("10em");
        addType.getElement().setAttribute("aria-label", "Layer type to add");
        add.setId("cnn-add-layer");
        add.addThemeVariants(ButtonVariant.LUMO_SMALL);
        add.addClickListener(e -> {
            if (addType.getValue() != null) {
                layers.add(CnnLayerTypes.newLayer(addType.getValue()));
                rebuild();
                onLayers.accept(List.copyOf(layers));
            }
        });
        total.setId("cnn-total-params");
        total.addClassName("cnn-total");
        Div foot = new Div(addType, add, total);
        foot.addClassName("cnn-editor-foot");

        add(input, rowBox, foot);
    }

    /** Disables (or enables again) the whole stack, the input shape with it: a class's challenge locks the layer stack. */
    public void lock(boolean on) {
        locked = on;
        setEnabled(!on);
        getElement().setAttribute("data-locked", on);
        // a row's own buttons are enabled by where the row is: they follow the lock themselves
        rows.forEach(Row::enableButtons);
    }

    /** Called with the whole new layer list after every edit. */
    public void setLayersListener(Consumer<List<LayerSpec>> l) {
        onLayers = l;
    }

    /** Called with the typed input shape, or null for "from the data set". */
    public void setInputListener(Consumer<List<Integer>> l) {
        onInput = l;
    }

    /** Replaces the layers (a preset, a link) and rebuilds the rows. */
    public void setLayers(List<LayerSpec> newLayers) {
        layers.clear();
        layers.addAll(newLayers);
        rebuild();
    }

    public List<LayerSpec> getLayers() {
        return List.copyOf(layers);
    }

    /**
     * Shows the input: the experiment's {@code input_shape} (null: the data set's, {@code fromData});
     * {@code followsData}: a given shape that is the data set's own (an uploaded set must state it).
     */
    public void setInput(List<Integer> given, int[] fromData, boolean followsData) {
        dataShape = fromData;
        boolean fromSet = given == null || followsData;
        inputFromData.setValue(fromSet);
        inputShape.setReadOnly(fromSet);
        if (given != null && given.equals(parseShape(inputShape.getValue()))) {
            return; // what is typed already says it; rewriting it would get in the way of typing
        }
        inputShape.setInvalid(false);
        inputShape.setValue(given != null ? text(given) : fromData != null ? text(toList(fromData)) : "");
    }

    /** Shows the engine's verdict: shapes, parameters and formulas, or the broken layer's reason. */
    public void show(CnnInspection.Result r) {
        inputNote.setText(r.inputError() != null ? r.inputError()
                : inputFromData.getValue() ? "" : dataShape != null && r.input() != null
                && !java.util.Arrays.equals(dataShape, r.input())
                ? "the data set's images are " + CnnInspection.shape(dataShape) : "");
        inputNote.setClassName("cnn-input-error", r.inputError() != null);
        for (int i = 0; i < rows.size(); i++) {
            CnnInspection.Row info = i < r.rows().size() ? r.rows().get(i) : null;
            rows.get(i).show(info);
        }
        if (r.ok()) {
            total.setText(String.format(Locale.ROOT, "Total: %,d parameters \u00b7 output %s", r.totalParams(),
                    CnnInspection.shape(r.output())));
        } else {
            total.setText(r.errorIndex() >= 0 ? "Layer " + r.errorIndex() + " breaks the shapes" : "The input shape is wrong");
        }
        total.setClassName("broken", !r.ok());
    }

    /** Marks a layer whose shapes are fine but that the server cannot train (its memory), with why. */
    public void markLayer(CnnInspection.LayerNote note) {
        if (note != null && note.index() < rows.size()) {
            rows.get(note.index()).mark(note.text());
        }
    }

    private void rebuild() {
        rowBox.removeAll();
        rows.clear();
        for (int i = 0; i < layers.size(); i++) {
            Row row = new Row(i);
            rows.add(row);
            rowBox.add(row);
        }
    }

    private void changed(int index, LayerSpec spec) {
        layers.set(index, spec);
        onLayers.accept(List.copyOf(layers));
    }

    private void move(int index, int by) {
        int to = index + by;
        if (to < 0 || to >= layers.size()) {
            return;
        }
        LayerSpec l = layers.remove(index);
        layers.add(to, l);
        rebuild();
        onLayers.accept(List.copyOf(layers));
    }

    private void removeLayer(int index) {
        layers.remove(index);
        rebuild();
        onLayers.accept(List.copyOf(layers));
    }

    /** One layer's row. */
    private final class Row extends Div {
        private final int index;
        private final Span shape = new Span();
        private final Span params = new Span();
        private final Span inferred = new Span();
        private final Div formula = new Div();
        private final Div error = new Div();
        private final Button up;
        private final Button down;
        private final Button delete;

        Row(int index) {
            this.index = index;
            LayerSpec spec = layers.get(index);
            setId("cnn-layer-" + index);
            addClassName("cnn-layer");
            getElement().setAttribute("data-type", spec.type());

            Span number = new Span(String.valueOf(index));
            number.addClassName("cnn-layer-index");
            Span type = new Span(spec.type());
            type.addClassName("cnn-layer-type");
            type.getElement().setAttribute("title", "nn." + spec.type() + ": " + CnnLayerTypes.summary(spec.type()));
            shape.addClassName("cnn-layer-shape");
            params.addClassName("cnn-layer-params");
            up = iconButton(VaadinIcon.ARROW_UP, "Move up", () -> move(index, -1));
            up.addClassName("cnn-up");
            down = iconButton(VaadinIcon.ARROW_DOWN, "Move down", () -> move(index, 1));
            down.addClassName("cnn-down");
            delete = iconButton(VaadinIcon.CLOSE_SMALL, "Remove", () -> removeLayer(index));
            delete.addClassName("cnn-remove");
            enableButtons();
            Div spacer = new Div();
            spacer.addClassName("cnn-spacer");
            Div head = new Div(number, type, new Span("\u2192"), shape, params, spacer, up, down, delete);
            head.addClassName("cnn-layer-head");

            Div fields = new Div();
            fields.addClassName("cnn-fields");
            inferred.addClassName("cnn-inferred");
            if (CnnLayerTypes.inferredArgument(spec.type()) != null) {
                fields.add(inferred);
            }
            for (CnnLayerTypes.Field f : CnnLayerTypes.fields(spec.type())) {
                fields.add(field(spec, f));
            }
            Span summary = new Span(CnnLayerTypes.summary(spec.type()));
            summary.addClassName("cnn-layer-summary");
            if (CnnLayerTypes.fields(spec.type()).isEmpty()) {
                fields.add(summary);
            }
            formula.addClassName("cnn-formula");
            error.addClassName("cnn-layer-error");
            error.getElement().setAttribute("role", "alert");
            error.setVisible(false);
            add(head, fields, formula, error);
        }

        private Component field(LayerSpec spec, CnnLayerTypes.Field f) {
            String id = "cnn-layer-" + index + "-" + f.name();
            if (f.kind() == CnnLayerTypes.Kind.BOOL) {
                Checkbox box = new Checkbox(f.name());
                box.setId(id);
                Object v = spec.args().get(f.name());
                box.setValue(v == null ? Boolean.parseBoolean(f.defaultText()) : Boolean.TRUE.equals(v));
                box.addValueChangeListener(e -> {
                    if (e.isFromClient()) {
                        boolean dflt = Boolean.parseBoolean(f.defaultText());
                        // the default stays out of the file, as PyTorch code leaves it out
                        changed(index, layers.get(index).withArg(f.name(), e.getValue() == dflt ? null : e.getValue()));
                    }
                });
                box.addClassName("cnn-bool");
                return box;
            }
            TextField t = new TextField(f.name());
            t.setId(id);
            t.addThemeVariants(TextFieldVariant.LUMO_SMALL);
            t.setValue(CnnLayerTypes.text(spec.args().get(f.name())));
            t.setPlaceholder(f.defaultText());
            t.setValueChangeMode(ValueChangeMode.EAGER);
            t.addClassName("cnn-field");
            t.setWidth(f.kind() == CnnLayerTypes.Kind.SIZE ? "6.2em" : "5.6em");
            if (f.kind() == CnnLayerTypes.Kind.SIZE) {
                t.setTooltipText("One number, or two for height and width: 3, 5");
            }
            t.addValueChangeListener(e -> {
                if (e.isFromClient()) {
                    changed(index, layers.get(index).withArg(f.name(), CnnLayerTypes.parse(f.kind(), e.getValue())));
                }
            });
            return t;
        }

        void enableButtons() {
            up.setEnabled(!locked && index > 0);
            down.setEnabled(!locked && index + 1 < layers.size());
            delete.setEnabled(!locked);
        }

        void mark(String text) {
            setClassName("broken", true);
            error.setVisible(true);
            error.setText(text);
        }

        void show(CnnInspection.Row info) {
            LayerSpec spec = layers.get(index);
            String arg = CnnLayerTypes.inferredArgument(spec.type());
            int[] in = info == null ? null : info.input();
            if (arg != null) {
                inferred.setText(arg + " = " + (in != null && in.length > 0 ? in[0] : "?"));
                inferred.getElement().setAttribute("title", "inferred from the previous layer's output");
            }
            boolean broken = info != null && info.error() != null;
            setClassName("broken", broken);
            setClassName("unknown", info == null || (!broken && info.output() == null));
            error.setVisible(broken);
            error.setText(broken ? info.error() : "");
            if (info != null && info.ok()) {
                shape.setText(CnnInspection.shape(info.output()));
                params.setText(info.params() == 0 ? "no parameters" : String.format(Locale.ROOT, "%,d params", info.params()));
                List<String> lines = new ArrayList<>(CnnFormula.size(spec, in));
                String p = CnnFormula.params(spec, in, info.params());
                if (p != null) {
                    lines.add((spec.type().equals("Flatten") ? "" : "params: ") + p);
                }
                lines.add(CnnLayerTypes.pytorch(spec, in));
                formula.removeAll();
                for (int k = 0; k < lines.size(); k++) {
                    Div line = new Div(lines.get(k));
                    line.addClassName(k == lines.size() - 1 ? "cnn-code" : "cnn-formula-line");
                    formula.add(line);
                }
                formula.setVisible(true);
            } else {
                shape.setText(broken ? "does not fit" : "\u2013");
                params.setText("");
                formula.removeAll();
                formula.setVisible(false);
            }
        }
    }

    private static Button iconButton(VaadinIcon icon, String label, Runnable action) {
        Button b = new Button(icon.create());
        b.addThemeVariants(ButtonVariant.LUMO_TERTIARY_INLINE, ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_ICON);
        b.getElement().setAttribute("aria-label", label);
        b.getElement().setAttribute("title", label);
        b.addClickListener(e -> action.run());
        return b;
    }

    /** "3, 32, 32" (or "3x32x32", "[3, 32, 32]") as a shape; null when it is not 1 to 4 positive integers. */
    public static List<Integer> parseShape(String text) {
        if (text == null) {
            return null;
        }
        String t = text.trim().replaceAll("^[\\[(]|[\\])]$", "");
        if (t.isEmpty()) {
            return null;
        }
        String[] parts = t.split("\\s*[,x\u00d7]\\s*|\\s+");
        if (parts.length > 4) {
            return null;
        }
        List<Integer> shape = new ArrayList<>();
        for (String p : parts) {
            if (!p.matches("\\d{1,6}") || Integer.parseInt(p) < 1) {
                return null;
            }
            shape.add(Integer.parseInt(p));
        }
        return shape;
    }

    private static List<Integer> toList(int[] a) {
        List<Integer> l = new ArrayList<>();
        for (int v : a) {
            l.add(v);
        }
        return l;
    }

    private static String text(List<Integer> shape) {
        return String.join(", ", shape.stream().map(String::valueOf).toList());
    }
}
