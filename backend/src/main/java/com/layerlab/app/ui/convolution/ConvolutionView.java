package com.layerlab.app.ui.convolution;

import com.layerlab.app.lab.ConvolutionCaptions;
import com.layerlab.app.lab.ConvolutionKernels;
import com.layerlab.app.lab.ConvolutionMath;
import com.layerlab.app.ui.MainLayout;
import com.vaadin.flow.component.dependency.CssImport;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import java.util.ArrayList;
import java.util.List;

/**
 * The convolution explainer: one image, one kernel, stride, padding and dilation; the output feature
 * map, the output size formula with the numbers, and the window stepped across the input with its
 * products and their sum. Every number shown comes from {@link ConvolutionMath}; a setting that gives
 * no convolution shows why, inline, and leaves the rest of the page as it was.
 */
@AnonymousAllowed
@Route(value = "convolution", layout = MainLayout.class)
@PageTitle("Convolution explainer | LayerLab")
@CssImport("./components/conv-view.css")
public class ConvolutionView extends Div {

    private final ImagePicker image;
    private final KernelEditor kernel;
    private final SettingFields settings;
    private final Div error = new Div();
    private final Div shapes = new Div();
    private final ConvolutionMaps maps = new ConvolutionMaps();
    private final WindowStepper stepper = new WindowStepper(maps::setWindow);
    private final FormulaPanel formula = new FormulaPanel();

    public ConvolutionView() {
        setId("convolution-view");
        addClassName("conv-view");

        H2 title = new H2("Convolution explainer");
        title.addClassName("conv-title");
        Paragraph intro = new Paragraph("A convolution slides a small grid of weights, the kernel, across the image. "
                + "At each position it multiplies every weight by the pixel under it and adds the products: the sum is "
                + "one pixel of the output, the feature map. PyTorch's Conv2d computes exactly this (it does not flip "
                + "the kernel; no bias here).");
        intro.addClassName("conv-intro");

        image = new ImagePicker(() -> {
            stepper.rewind();
            refresh();
        }, this::refresh);
        kernel = new KernelEditor("Edge detection", this::refresh);
        settings = new SettingFields(new ConvolutionMath.Settings(1, 1, 1), this::refresh);
        Div left = new Div(section("Image"), image, section("Kernel"), kernel, section("Stride, padding, dilation"), settings);
        left.addClassNames("ll-panel", "conv-controls");

        Div below = new Div(stepper, formula);
        below.addClassName("conv-row");
        Div right = new Div(error, mapsPanel(), below);
        right.addClassName("conv-results");

        Div body = new Div(left, right);
        body.addClassName("conv-body");
        add(new Div(title, intro), body);
        refresh();
    }

    /** A panel's title. */
    static H3 section(String text) {
        H3 h = new H3(text);
        h.addClassName("ll-panel-title");
        return h;
    }

    private Div mapsPanel() {
        error.setId("conv-error");
        error.addClassName("conv-message");
        error.getElement().setAttribute("role", "alert");
        error.setVisible(false);

        maps.setId("conv-maps");
        maps.addCellClickListener(stepper::moveTo);
        shapes.setId("conv-shapes");
        shapes.addClassName("conv-shapes");
        Div top = new Div(section("Input and output"), shapes);
        top.addClassName("conv-panel-head");
        Div panel = new Div(top, maps);
        panel.addClassNames("ll-panel", "conv-maps-panel");
        return panel;
    }

    /** Reads every control, checks it, and shows the convolution or the reasons there is none. */
    private void refresh() {
        List<String> problems = new ArrayList<>();
        ConvolutionMath.Settings s = settings.read(problems);
        ConvolutionKernels.Parsed parsed = kernel.read();
        problems.addAll(parsed.errors());

        float[] input = image.input();
        int h = image.image().height();
        int w = image.image().width();
        int k = kernel.size();
        if (s != null) {
            String problem = ConvolutionMath.problem(h, w, k, s);
            if (problem != null) {
                problems.add(problem);
            }
            formula.show(h, w, k, s);
            shapes.setText(ConvolutionCaptions.shapes(h, w, k, s));
        } else {
            formula.clear();
            shapes.setText("");
        }

        error.removeAll();
        error.setVisible(!problems.isEmpty());
        if (!problems.isEmpty()) {
            problems.forEach(m -> error.add(new Div(m)));
            stepper.clear();
            int pad = settings.paddingOrZero();
            maps.setInputOnly(ConvolutionMath.pad(input, h, w, pad), h + 2 * pad, w + 2 * pad, pad);
            maps.setCaptions(ConvolutionCaptions.input(h, w, pad), ConvolutionCaptions.NO_OUTPUT);
            return;
        }
        ConvolutionMath.Result result = ConvolutionMath.convolve(input, h, w, parsed.weights(), k, s);
        maps.setResult(result);
        maps.setCaptions(ConvolutionCaptions.input(h, w, s.padding()), ConvolutionCaptions.output(result));
        stepper.show(result, parsed.weights());
    }
}
