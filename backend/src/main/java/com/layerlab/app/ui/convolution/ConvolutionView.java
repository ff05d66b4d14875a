package com.layerlab.app.ui.convolution;

import com.layerlab.app.lab.ConvolutionImage;
import com.layerlab.app.lab.ConvolutionImages;
import com.layerlab.app.lab.ConvolutionKernels;
import com.layerlab.app.lab.ConvolutionMath;
import com.layerlab.app.ui.MainLayout;
import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dependency.CssImport;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.component.textfield.TextFieldVariant;
import com.vaadin.flow.component.upload.Upload;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import com.vaadin.flow.server.streams.InMemoryUploadHandler;
import com.vaadin.flow.shared.Registration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

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

    static final String SAMPLES = "Built-in samples";
    static final String UPLOADED = "Your upload";
    static final Map<String, Integer> SPEEDS = Map.of("Slow", 700, "Normal", 300, "Fast", 80);

    // what is shown
    private ConvolutionImage image;
    private String plane = ConvolutionImage.GRAY;
    private ConvolutionImage uploaded;
    private int kernelSize = 3;
    private List<String> kernelCells;
    private ConvolutionMath.Result result;
    private float[] weights;
    private int position;
    private boolean playing;
    private Registration pollRegistration;

    // image
    private final Select<String> source = new Select<>();
    private final Select<String> sample = new Select<>();
    private final IntegerField imageIndex = new IntegerField("Image number");
    private final Select<String> planeSelect = new Select<>();
    private final Span imageLabel = new Span();
    private final Div uploadMessage = new Div();
    private final Upload upload;
    // kernel
    private final Select<String> preset = new Select<>();
    private final Select<Integer> size = new Select<>();
    private final Div kernelGrid = new Div();
    private final List<TextField> kernelFields = new ArrayList<>();
    private final Span presetDescription = new Span();
    // settings
    private final IntegerField stride = new IntegerField("Stride");
    private final IntegerField padding = new IntegerField("Padding");
    private final IntegerField dilation = new IntegerField("Dilation");
    // results
    private final Div error = new Div();
    private final Div shapes = new Div();
    private final Div formula = new Div();
    private final ConvolutionMaps maps = new ConvolutionMaps();
    private final Button first = new Button(VaadinIcon.FAST_BACKWARD.create());
    private final Button prev = new Button(VaadinIcon.STEP_BACKWARD.create());
    private final Button play = new Button(VaadinIcon.PLAY.create());
    private final Button next = new Button(VaadinIcon.STEP_FORWARD.create());
    private final Button last = new Button(VaadinIcon.FAST_FORWARD.create());
    private final Select<String> speed = new Select<>();
    private final Span positionLabel = new Span();
    private final Div products = new Div();
    private final Div sum = new Div();

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

        upload = new Upload(new InMemoryUploadHandler((meta, bytes) -> {
            // the callback runs on the upload's request thread: change the page where that is allowed
            getUI().ifPresent(ui -> ui.access(() -> uploaded(meta.fileName(), bytes)));
        }) {
            // the browser checks the size too, but only the server can be trusted to
            @Override
            public long getFileSizeMax() {
                return ConvolutionImages.MAX_UPLOAD_BYTES;
            }

            @Override
            public long getRequestSizeMax() {
                return ConvolutionImages.MAX_UPLOAD_BYTES + 64 * 1024;
            }
        });

        Div left = new Div(section("Image"), imageControls(), section("Kernel"), kernelControls(),
                section("Stride, padding, dilation"), settingsControls());
        left.addClassNames("ll-panel", "conv-controls");

        Div below = new Div(stepPanel(), formulaPanel());
        below.addClassName("conv-row");
        Div right = new Div(error, mapsPanel(), below);
        right.addClassName("conv-results");

        Div body = new Div(left, right);
        body.addClassName("conv-body");
        add(new Div(title, intro), body);

        selectDefaultImage();
        applyPreset("Edge detection");
        stride.setValue(1);
        padding.setValue(1);
        dilation.setValue(1);
        refresh();
    }

    private static H3 section(String text) {
        H3 h = new H3(text);
        h.addClassName("ll-panel-title");
        return h;
    }

    // ---- image ---------------------------------------------------------------------------------------

    private Div imageControls() {
        List<String> sources = new ArrayList<>();
        sources.add(SAMPLES);
        sources.addAll(ConvolutionImages.DATASETS.values());
        source.setId("conv-source");
        source.setLabel("Source");
        source.setItems(sources);
        source.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                showSource(e.getValue());
            }
        });

        sample.setId("conv-sample");
        sample.setLabel("Sample");
        sample.setItems(ConvolutionImages.SAMPLES);
        sample.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                setImage(ConvolutionImages.sample(e.getValue()));
            }
        });

        imageIndex.setId("conv-image-index");
        imageIndex.setStepButtonsVisible(true);
        imageIndex.setMin(0);
        imageIndex.setMax(ConvolutionImages.DATASET_IMAGES - 1);
        imageIndex.setManualValidation(true);
        imageIndex.setValueChangeMode(ValueChangeMode.EAGER);
        imageIndex.addValueChangeListener(e -> {
            if (e.isFromClient()) {
                loadDataSetImage(datasetId(source.getValue()), e.getValue());
            }
        });

        planeSelect.setId("conv-plane");
        planeSelect.setLabel("Colour image: use");
        planeSelect.setItems(ConvolutionImage.PLANES);
        planeSelect.setValue(plane);
        planeSelect.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                plane = e.getValue();
                refresh();
            }
        });

        imageLabel.setId("conv-image-label");
        imageLabel.addClassName("ll-hint");

        upload.setId("conv-upload");
        upload.setAcceptedFileTypes("image/png", "image/jpeg", ".png", ".jpg", ".jpeg");
        upload.setMaxFiles(1);
        upload.setMaxFileSize(ConvolutionImages.MAX_UPLOAD_BYTES);
        upload.setDropLabel(new Span("or drop one here"));
        upload.addFileRejectedListener(e -> showUploadError("\"" + e.getFileName() + "\" was not uploaded: "
                + (e.getErrorMessage() == null ? "" : e.getErrorMessage().replaceAll("\\.$", "").toLowerCase())
                + ". Use a PNG or JPEG image of at most 2 MB."));
        upload.addFailedListener(e -> showUploadError("The upload of \"" + e.getFileName() + "\" failed; please try again."));
        uploadMessage.setId("conv-upload-message");
        uploadMessage.addClassName("conv-message");
        uploadMessage.getElement().setAttribute("role", "alert");
        uploadMessage.setVisible(false);
        Span uploadHint = new Span("Your own image: PNG or JPEG up to 2 MB, turned grey (or pick a channel) and shrunk "
                + "to at most " + ConvolutionImages.MAX_SIDE + "x" + ConvolutionImages.MAX_SIDE + " pixels.");
        uploadHint.addClassName("ll-hint");

        Div group = new Div(source, sample, imageIndex, planeSelect, imageLabel, upload, uploadMessage, uploadHint);
        group.addClassName("conv-group");
        return group;
    }

    private void selectDefaultImage() {
        source.setValue(ConvolutionImages.DATASETS.get("mnist"));
        imageIndex.setValue(0);
        sample.setValue(ConvolutionImages.DIGIT);
        try {
            image = ConvolutionImages.fromDataSet("mnist", 0);
        } catch (RuntimeException e) {
            // the samples drawn in code are always there
            source.setValue(SAMPLES);
            image = ConvolutionImages.sample(ConvolutionImages.DIGIT);
        }
        showSourceFields();
    }

    private static String datasetId(String sourceName) {
        return ConvolutionImages.DATASETS.entrySet().stream().filter(e -> e.getValue().equals(sourceName))
                .map(Map.Entry::getKey).findFirst().orElse(null);
    }

    private void showSource(String name) {
        showSourceFields();
        if (name.equals(SAMPLES)) {
            setImage(ConvolutionImages.sample(sample.getValue() == null ? ConvolutionImages.DIGIT : sample.getValue()));
        } else if (name.equals(UPLOADED)) {
            if (uploaded != null) {
                setImage(uploaded);
            }
        } else {
            imageIndex.setValue(0);
            loadDataSetImage(datasetId(name), 0);
        }
    }

    private void showSourceFields() {
        String s = source.getValue();
        sample.setVisible(SAMPLES.equals(s));
        imageIndex.setVisible(datasetId(s) != null);
    }

    private void loadDataSetImage(String id, Integer index) {
        if (id == null) {
            return;
        }
        int max = ConvolutionImages.dataSetSize(id) - 1;
        if (index == null || index < 0 || index > max) {
            // the field keeps what was typed, so the message says which image is still shown
            imageIndex.setInvalid(true);
            imageIndex.setErrorMessage((index == null ? "Type an image number" : String.format(Locale.ROOT,
                    "There is no image %,d", index)) + ": the numbers go from 0 to " + max + ". Still showing "
                    + image.label() + ".");
            return;
        }
        imageIndex.setInvalid(false);
        try {
            setImage(ConvolutionImages.fromDataSet(id, index));
        } catch (RuntimeException e) {
            imageIndex.setInvalid(true);
            imageIndex.setErrorMessage(e.getMessage() == null ? "This data set cannot be loaded here." : e.getMessage());
        }
    }

    private void uploaded(String fileName, byte[] bytes) {
        upload.clearFileList();
        try {
            ConvolutionImage img = ConvolutionImages.decode(bytes, fileName);
            uploaded = img;
            uploadMessage.setVisible(false);
            List<String> sources = new ArrayList<>();
            sources.add(SAMPLES);
            sources.addAll(ConvolutionImages.DATASETS.values());
            sources.add(UPLOADED);
            source.setItems(sources);
            source.setValue(UPLOADED);
            showSourceFields();
            setImage(img);
        } catch (ConvolutionImages.BadImageException e) {
            showUploadError(e.getMessage() + " The image shown is unchanged.");
        }
    }

    private void showUploadError(String message) {
        uploadMessage.setText(message);
        uploadMessage.setVisible(true);
    }

    private void setImage(ConvolutionImage img) {
        image = img;
        position = 0;
        uploadMessage.setVisible(false);
        refresh();
    }

    // ---- kernel --------------------------------------------------------------------------------------

    private Div kernelControls() {
        List<String> names = new ArrayList<>(ConvolutionKernels.presetNames());
        names.add(ConvolutionKernels.CUSTOM);
        preset.setId("conv-preset");
        preset.setLabel("Preset");
        preset.setItems(names);
        preset.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null) {
                // "Custom" names what the grid holds; choosing it changes nothing, and refresh names the grid again
                if (!ConvolutionKernels.CUSTOM.equals(e.getValue())) {
                    applyPreset(e.getValue());
                }
                refresh();
            }
        });

        size.setId("conv-kernel-size");
        size.setLabel("Size");
        size.setItems(IntStream.rangeClosed(ConvolutionKernels.MIN_SIZE, ConvolutionKernels.MAX_SIZE).boxed().toList());
        size.setItemLabelGenerator(ConvolutionKernels::label);
        size.addValueChangeListener(e -> {
            if (e.isFromClient() && e.getValue() != null && e.getValue() != kernelSize) {
                kernelCells = ConvolutionKernels.resize(currentCells(), kernelSize, e.getValue());
                kernelSize = e.getValue();
                buildKernelGrid();
                refresh();
            }
        });

        kernelGrid.setId("conv-kernel");
        kernelGrid.addClassName("conv-kernel");
        presetDescription.setId("conv-preset-description");
        presetDescription.addClassName("ll-hint");
        Div row = new Div(preset, size);
        row.addClassName("conv-pair");
        Span hint = new Span("Type numbers or fractions such as 1/9.");
        hint.addClassName("ll-hint");
        Div group = new Div(row, kernelGrid, hint, presetDescription);
        group.addClassName("conv-group");
        return group;
    }

    private void applyPreset(String name) {
        ConvolutionKernels.Preset p = ConvolutionKernels.preset(name);
        kernelSize = p.size();
        kernelCells = new ArrayList<>(p.cells());
        size.setValue(kernelSize);
        buildKernelGrid();
    }

    private void buildKernelGrid() {
        kernelGrid.removeAll();
        kernelFields.clear();
        // at most 58 px a cell, narrower where five do not fit the panel
        kernelGrid.getStyle().set("grid-template-columns", "repeat(" + kernelSize + ", minmax(0, 58px))");
        for (int i = 0; i < kernelSize * kernelSize; i++) {
            TextField f = new TextField();
            int r = i / kernelSize;
            int c = i % kernelSize;
            f.setId("conv-w-" + r + "-" + c);
            f.getElement().setAttribute("aria-label", "Kernel weight row " + (r + 1) + ", column " + (c + 1));
            f.addThemeVariants(TextFieldVariant.LUMO_SMALL, TextFieldVariant.LUMO_ALIGN_CENTER);
            f.setManualValidation(true);
            f.setValue(kernelCells.get(i));
            f.setValueChangeMode(ValueChangeMode.LAZY);
            f.setValueChangeTimeout(350);
            f.addValueChangeListener(e -> {
                if (e.isFromClient()) {
                    kernelCells = currentCells();
                    refresh();
                }
            });
            kernelFields.add(f);
            kernelGrid.add(f);
        }
    }

    private List<String> currentCells() {
        return kernelFields.stream().map(TextField::getValue).toList();
    }

    // ---- stride, padding, dilation --------------------------------------------------------------------

    private Div settingsControls() {
        setUp(stride, "conv-stride", 1, ConvolutionMath.MAX_STRIDE);
        setUp(padding, "conv-padding", 0, ConvolutionMath.MAX_PADDING);
        setUp(dilation, "conv-dilation", 1, ConvolutionMath.MAX_DILATION);
        Div row = new Div(stride, padding, dilation);
        row.addClassName("conv-triple");
        return row;
    }

    private void setUp(IntegerField f, String id, int min, int max) {
        f.setId(id);
        f.setStepButtonsVisible(true);
        f.setMin(min);
        f.setMax(max);
        // our own messages, not the component's built-in ones
        f.setManualValidation(true);
        f.setValueChangeMode(ValueChangeMode.EAGER);
        f.addValueChangeListener(e -> {
            if (e.isFromClient()) {
                refresh();
            }
        });
    }

    // ---- results -------------------------------------------------------------------------------------

    private Div mapsPanel() {
        error.setId("conv-error");
        error.addClassName("conv-message");
        error.getElement().setAttribute("role", "alert");
        error.setVisible(false);

        maps.setId("conv-maps");
        maps.addCellClickListener((r, c) -> {
            if (result != null) {
                stop();
                position = r * result.outWidth() + c;
                showWindow();
            }
        });
        H3 head = section("Input and output");
        shapes.setId("conv-shapes");
        shapes.addClassName("conv-shapes");
        Div top = new Div(head, shapes);
        top.addClassName("conv-panel-head");
        Div panel = new Div(top, maps);
        panel.addClassNames("ll-panel", "conv-maps-panel");
        return panel;
    }

    private Div stepPanel() {
        first.setId("conv-first");
        first.getElement().setAttribute("aria-label", "First position");
        first.addClickListener(e -> {
            stop();
            position = 0;
            showWindow();
        });
        prev.setId("conv-prev");
        prev.getElement().setAttribute("aria-label", "Previous position");
        prev.addClickListener(e -> {
            stop();
            move(-1);
        });
        next.setId("conv-next");
        next.getElement().setAttribute("aria-label", "Next position");
        next.addClickListener(e -> {
            stop();
            move(1);
        });
        last.setId("conv-last");
        last.getElement().setAttribute("aria-label", "Last position");
        last.addClickListener(e -> {
            stop();
            if (result != null) {
                position = result.positions() - 1;
                showWindow();
            }
        });
        play.setId("conv-play");
        play.getElement().setAttribute("aria-label", "Play");
        play.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        play.addClickListener(e -> {
            if (playing) {
                stop();
            } else {
                start();
            }
        });
        for (Button b : List.of(first, prev, next, last)) {
            b.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        }
        speed.setId("conv-speed");
        speed.setItems("Slow", "Normal", "Fast");
        speed.setValue("Normal");
        speed.getElement().setAttribute("aria-label", "Speed");
        speed.addValueChangeListener(e -> {
            if (playing) {
                getUI().ifPresent(ui -> ui.setPollInterval(SPEEDS.get(speed.getValue())));
            }
        });
        positionLabel.setId("conv-position");
        positionLabel.addClassName("conv-position");

        Div transport = new Div(first, prev, play, next, last, speed, positionLabel);
        transport.addClassName("conv-transport");
        products.setId("conv-products");
        products.addClassName("conv-products");
        sum.setId("conv-sum");
        sum.addClassName("conv-sum");
        Div panel = new Div(section("Step the window"), transport, products, sum);
        panel.addClassNames("ll-panel", "conv-step-panel");
        return panel;
    }

    private Div formulaPanel() {
        formula.setId("conv-formula");
        formula.addClassName("conv-formula");
        Div panel = new Div(section("Output size"), formula);
        panel.addClassNames("ll-panel", "conv-formula-panel");
        return panel;
    }

    /** Reads every control, checks it, and shows the convolution or the reasons there is none. */
    private void refresh() {
        List<String> problems = new ArrayList<>();
        Integer s = checked(stride, "Stride", 1, ConvolutionMath.MAX_STRIDE, problems);
        Integer p = checked(padding, "Padding", 0, ConvolutionMath.MAX_PADDING, problems);
        Integer d = checked(dilation, "Dilation", 1, ConvolutionMath.MAX_DILATION, problems);

        List<String> cells = kernelFields.isEmpty() ? kernelCells : currentCells();
        ConvolutionKernels.Parsed parsed = ConvolutionKernels.parse(cells, kernelSize);
        boolean[] ok = ConvolutionKernels.validCells(cells);
        for (int i = 0; i < kernelFields.size(); i++) {
            kernelFields.get(i).setInvalid(!ok[i]);
        }
        problems.addAll(parsed.errors());
        preset.setValue(ConvolutionKernels.match(parsed.weights(), kernelSize));
        ConvolutionKernels.Preset chosen = ConvolutionKernels.preset(preset.getValue());
        presetDescription.setText(chosen == null ? "Your own kernel." : chosen.description());

        boolean colour = image.colour();
        planeSelect.setVisible(colour);
        float[] input = image.plane(plane);
        imageLabel.setText(image.label() + ": " + image.height() + " rows x " + image.width() + " columns"
                + (colour ? ", colour" : ""));
        int h = image.height();
        int w = image.width();
        ConvolutionMath.Settings settings = null;
        if (s != null && p != null && d != null) {
            settings = new ConvolutionMath.Settings(s, p, d);
            String problem = ConvolutionMath.problem(h, w, kernelSize, settings);
            if (problem != null) {
                problems.add(problem);
            }
            showFormula(h, w, settings);
        } else {
            formula.removeAll();
            shapes.setText("");
        }

        if (!problems.isEmpty()) {
            stop();
            result = null;
            weights = null;
            error.removeAll();
            for (String m : problems) {
                error.add(new Div(m));
            }
            error.setVisible(true);
            int pad = p == null ? 0 : p;
            maps.setInputOnly(ConvolutionMath.pad(input, h, w, pad), h + 2 * pad, w + 2 * pad, pad);
            maps.setCaptions(inputCaption(h, w, pad), "no output: see the message above");
            products.removeAll();
            sum.setText("");
            sum.getElement().removeAttribute("data-value");
            positionLabel.setText("");
            for (Button b : List.of(first, prev, play, next, last)) {
                b.setEnabled(false);
            }
            return;
        }
        error.setVisible(false);
        weights = parsed.weights();
        int oldWidth = result == null ? 0 : result.outWidth();
        result = ConvolutionMath.convolve(input, h, w, weights, kernelSize, settings);
        // keep the window on the same output cell where it still exists
        if (oldWidth > 0) {
            int r = position / oldWidth;
            int c = position % oldWidth;
            position = r < result.outHeight() && c < result.outWidth() ? r * result.outWidth() + c : 0;
        }
        position = Math.min(position, result.positions() - 1);
        maps.setResult(result);
        maps.setCaptions(inputCaption(h, w, p), "Output feature map, " + result.outHeight() + "x" + result.outWidth());
        for (Button b : List.of(first, prev, play, next, last)) {
            b.setEnabled(true);
        }
        showWindow();
    }

    private static String inputCaption(int h, int w, int p) {
        return p == 0 ? "Input, " + h + "x" + w : "Input " + h + "x" + w + " with padding " + p + " (" + (h + 2 * p) + "x"
                + (w + 2 * p) + ")";
    }

    private static Integer checked(IntegerField f, String name, int min, int max, List<String> problems) {
        Integer v = f.getValue();
        if (v == null || v < min || v > max) {
            String message = name + " must be a whole number from " + min + " to " + max
                    + (v == null ? "." : " (got " + v + ").");
            f.setInvalid(true);
            f.setErrorMessage(min + " to " + max);
            if (v != null) {
                // the maths has its own, more telling, words for these
                ConvolutionMath.Settings probe = new ConvolutionMath.Settings(name.equals("Stride") ? v : 1,
                        name.equals("Padding") ? v : 0, name.equals("Dilation") ? v : 1);
                String detailed = ConvolutionMath.problem(1000, 1000, 1, probe);
                message = detailed != null ? detailed : message;
            }
            problems.add(message);
            return null;
        }
        f.setInvalid(false);
        return v;
    }

    private void showFormula(int h, int w, ConvolutionMath.Settings st) {
        formula.removeAll();
        if (h == w) {
            formula.add(formulaBlock(null, h, st));
        } else {
            formula.add(formulaBlock("height", h, st), formulaBlock("width", w, st));
        }
        int oh = ConvolutionMath.outputSize(h, kernelSize, st.stride(), st.padding(), st.dilation());
        int ow = ConvolutionMath.outputSize(w, kernelSize, st.stride(), st.padding(), st.dilation());
        formula.getElement().setAttribute("data-out", oh + "x" + ow);
        int span = ConvolutionMath.span(kernelSize, st.dilation());
        String text = "in " + h + "x" + w + ", kernel " + kernelSize + "x" + kernelSize
                + (st.dilation() > 1 ? " (spans " + span + "x" + span + " with dilation " + st.dilation() + ")" : "")
                + ", stride " + st.stride() + ", padding " + st.padding()
                + (oh >= 1 && ow >= 1 ? " -> out " + oh + "x" + ow + " (" + oh * ow + " positions)" : "");
        shapes.setText(text);
    }

    private Div formulaBlock(String axis, int in, ConvolutionMath.Settings st) {
        Div block = new Div();
        block.addClassName("conv-formula-block");
        if (axis != null) {
            Div head = new Div(axis + " (in = " + in + "):");
            head.addClassName("conv-formula-axis");
            block.add(head);
        }
        for (String line : ConvolutionMath.formulaLines(in, kernelSize, st)) {
            Div l = new Div(line);
            l.addClassName(line.startsWith("course") ? "conv-formula-course" : "conv-formula-line");
            block.add(l);
        }
        return block;
    }

    private void move(int delta) {
        if (result == null) {
            return;
        }
        position = Math.max(0, Math.min(result.positions() - 1, position + delta));
        showWindow();
    }

    private void showWindow() {
        if (result == null) {
            return;
        }
        int r = position / result.outWidth();
        int c = position % result.outWidth();
        ConvolutionMath.Window win = ConvolutionMath.window(result, weights, r, c);
        maps.setWindow(win);
        positionLabel.setText("Output row " + r + ", column " + c + " (position " + (position + 1) + " of "
                + result.positions() + ")");
        products.removeAll();
        products.getStyle().set("grid-template-columns", "repeat(" + kernelSize + ", auto)");
        for (ConvolutionMath.Tap t : win.taps()) {
            String weight = ConvolutionMath.format(t.weight());
            Div cell = new Div(ConvolutionMath.format(t.input()) + " \u00d7 " + (t.weight() < 0 ? "(" + weight + ")" : weight)
                    + " = " + ConvolutionMath.format(t.product()));
            cell.addClassName("conv-product");
            if (t.inPadding()) {
                cell.addClassName("padding");
                cell.getElement().setAttribute("title", "a padding zero");
            }
            products.add(cell);
        }
        String value = ConvolutionMath.format(win.sum());
        sum.setText("sum of the " + win.taps().size() + " products = " + value + " = output[" + r + ", " + c + "]");
        sum.getElement().setAttribute("data-value", value);
        first.setEnabled(position > 0);
        prev.setEnabled(position > 0);
        next.setEnabled(position < result.positions() - 1);
        last.setEnabled(position < result.positions() - 1);
        play.setEnabled(position < result.positions() - 1 || playing);
    }

    // ---- play ----------------------------------------------------------------------------------------

    private void start() {
        if (result == null) {
            return;
        }
        if (position >= result.positions() - 1) {
            position = 0;
        }
        playing = true;
        play.setIcon(VaadinIcon.PAUSE.create());
        play.getElement().setAttribute("aria-label", "Pause");
        play.getElement().setAttribute("data-playing", "true");
        getUI().ifPresent(ui -> ui.setPollInterval(SPEEDS.get(speed.getValue())));
        showWindow();
    }

    private void stop() {
        if (!playing) {
            return;
        }
        playing = false;
        play.setIcon(VaadinIcon.PLAY.create());
        play.getElement().setAttribute("aria-label", "Play");
        play.getElement().setAttribute("data-playing", "false");
        getUI().ifPresent(ui -> ui.setPollInterval(-1));
    }

    private void tick() {
        if (!playing || result == null) {
            return;
        }
        if (position >= result.positions() - 1) {
            stop();
            showWindow();
            return;
        }
        position++;
        showWindow();
        if (position >= result.positions() - 1) {
            stop();
            showWindow();
        }
    }

    @Override
    protected void onAttach(AttachEvent attachEvent) {
        super.onAttach(attachEvent);
        UI ui = attachEvent.getUI();
        pollRegistration = ui.addPollListener(e -> tick());
    }

    @Override
    protected void onDetach(DetachEvent detachEvent) {
        stop();
        detachEvent.getUI().setPollInterval(-1);
        if (pollRegistration != null) {
            pollRegistration.remove();
            pollRegistration = null;
        }
        super.onDetach(detachEvent);
    }
}
