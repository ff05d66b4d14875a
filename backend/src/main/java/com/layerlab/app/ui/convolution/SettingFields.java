package com.layerlab.app.ui.convolution;

import com.layerlab.app.lab.ConvolutionMath;
import com.layerlab.app.lab.ConvolutionMath.Setting;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.data.value.ValueChangeMode;
import java.util.List;

/** Stride, padding and dilation, each a whole number in its range; a field out of range is marked and said why. */
class SettingFields extends Div {

    private final IntegerField stride = field(Setting.STRIDE, "conv-stride");
    private final IntegerField padding = field(Setting.PADDING, "conv-padding");
    private final IntegerField dilation = field(Setting.DILATION, "conv-dilation");

    /** @param onChange called when the user changes a field */
    SettingFields(ConvolutionMath.Settings first, Runnable onChange) {
        addClassName("conv-triple");
        stride.setValue(first.stride());
        padding.setValue(first.padding());
        dilation.setValue(first.dilation());
        for (IntegerField f : List.of(stride, padding, dilation)) {
            f.addValueChangeListener(e -> {
                if (e.isFromClient()) {
                    onChange.run();
                }
            });
            add(f);
        }
    }

    private static IntegerField field(Setting setting, String id) {
        IntegerField f = new IntegerField(setting.label());
        f.setId(id);
        f.setStepButtonsVisible(true);
        f.setMin(setting.min());
        f.setMax(setting.max());
        // our own messages, not the component's built-in ones
        f.setManualValidation(true);
        f.setValueChangeMode(ValueChangeMode.EAGER);
        f.setErrorMessage(setting.min() + " to " + setting.max());
        return f;
    }

    /**
     * The three settings, or null when one is out of range: then each such field is marked and what is
     * wrong with it is added to {@code problems}.
     */
    ConvolutionMath.Settings read(List<String> problems) {
        // all three are checked, so that every wrong one is marked at once
        boolean strideOk = check(stride, Setting.STRIDE, problems);
        boolean paddingOk = check(padding, Setting.PADDING, problems);
        boolean dilationOk = check(dilation, Setting.DILATION, problems);
        return strideOk && paddingOk && dilationOk ? new ConvolutionMath.Settings(stride.getValue(), padding.getValue(), dilation.getValue()) : null;
    }

    /** The padding when it is in range, else none (to show the input while the settings are wrong). */
    int paddingOrZero() {
        return padding.isInvalid() || padding.getValue() == null ? 0 : padding.getValue();
    }

    private static boolean check(IntegerField f, Setting setting, List<String> problems) {
        String problem = ConvolutionMath.problem(setting, f.getValue());
        f.setInvalid(problem != null);
        if (problem != null) {
            problems.add(problem);
        }
        return problem == null;
    }
}
