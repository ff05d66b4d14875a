package com.layerlab.app.ui.convolution;

import com.layerlab.app.lab.ConvolutionKernels;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.component.textfield.TextFieldVariant;
import com.vaadin.flow.data.value.ValueChangeMode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The kernel: a preset, its size, and a grid of weights the user may type over (numbers or fractions).
 * The preset's name follows what the grid holds: "Custom" once it matches no preset.
 */
class KernelEditor extends Div {

    private final Runnable onChange;
    private int kernelSize;
    private final Select<String> preset = new Select<>();
    private final Select<Integer> size = new Select<>();
    private final Div grid = new Div();
    private final List<TextField> fields = new ArrayList<>();
    private final Span presetDescription = new Span();

    /**
     * @param firstPreset the preset shown at first
     * @param onChange    called when a weight or the size changes
     */
    KernelEditor(String firstPreset, Runnable onChange) {
        this.onChange = onChange;
        addClassName("conv-group");
        List<String> names = new ArrayList<>(ConvolutionKernels.presetNames());
        names.add(ConvolutionKernels.CUSTOM);
        preset.setId("conv-preset");
        preset.setLabel("Preset");
        preset.setItems(names);
        preset.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                // "Custom" names what the grid holds; choosing it changes nothing, and read() names the grid again
                if (!ConvolutionKernels.CUSTOM.equals(e.getValue())) {
                    applyPreset(e.getValue());
                }
                onChange.run();
            }
        });

        size.setId("conv-kernel-size");
        size.setLabel("Size");
        size.setItems(IntStream.rangeClosed(ConvolutionKernels.MIN_SIZE, ConvolutionKernels.MAX_SIZE).boxed().toList());
        size.setItemLabelGenerator(ConvolutionKernels::label);
        size.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null && e.getValue() != kernelSize) {
                List<String> cells = ConvolutionKernels.resize(cells(), kernelSize, e.getValue());
                kernelSize = e.getValue();
                buildGrid(cells);
                onChange.run();
            }
        });

        grid.setId("conv-kernel");
        grid.addClassName("conv-kernel");
        presetDescription.setId("conv-preset-description");
        presetDescription.addClassName("ll-hint");
        Div row = new Div(preset, size);
        row.addClassName("conv-pair");
        Span hint = new Span("Type numbers or fractions such as 1/9.");
        hint.addClassName("ll-hint");
        add(row, grid, hint, presetDescription);
        applyPreset(firstPreset);
    }

    /** The kernel is {@code size() x size()}. */
    int size() {
        return kernelSize;
    }

    /**
     * The weights as typed, read: the cells that are not numbers marked, and the preset's name and
     * description set to what the grid now holds.
     */
    ConvolutionKernels.Parsed read() {
        List<String> cells = cells();
        ConvolutionKernels.Parsed parsed = ConvolutionKernels.parse(cells, kernelSize);
        boolean[] ok = ConvolutionKernels.validCells(cells);
        for (int i = 0; i < fields.size(); i++) {
            fields.get(i).setInvalid(!ok[i]);
        }
        preset.setValue(ConvolutionKernels.match(parsed.weights(), kernelSize));
        ConvolutionKernels.Preset chosen = ConvolutionKernels.preset(preset.getValue());
        presetDescription.setText(chosen == null ? "Your own kernel." : chosen.description());
        return parsed;
    }

    private void applyPreset(String name) {
        ConvolutionKernels.Preset p = ConvolutionKernels.preset(name);
        kernelSize = p.size();
        size.setValue(kernelSize);
        buildGrid(p.cells());
    }

    private void buildGrid(List<String> cells) {
        grid.removeAll();
        fields.clear();
        // at most 58 px a cell, narrower where five do not fit the panel
        grid.getStyle().set("grid-template-columns", "repeat(" + kernelSize + ", minmax(0, 58px))");
        for (int i = 0; i < kernelSize * kernelSize; i++) {
            TextField f = new TextField();
            int r = i / kernelSize;
            int c = i % kernelSize;
            f.setId("conv-w-" + r + "-" + c);
            f.getElement().setAttribute("aria-label", "Kernel weight row " + (r + 1) + ", column " + (c + 1));
            f.addThemeVariants(TextFieldVariant.LUMO_SMALL, TextFieldVariant.LUMO_ALIGN_CENTER);
            f.setManualValidation(true);
            f.setValue(cells.get(i));
            f.setValueChangeMode(ValueChangeMode.LAZY);
            f.setValueChangeTimeout(350);
            f.addValueChangeListener(e -> {
                if (e.isFromClient()) {
                    onChange.run();
                }
            });
            fields.add(f);
            grid.add(f);
        }
    }

    private List<String> cells() {
        return fields.stream().map(TextField::getValue).toList();
    }
}
