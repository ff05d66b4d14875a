package com.layerlab.app.ui.convolution;

import com.layerlab.app.lab.ConvolutionCaptions;
import com.layerlab.app.lab.ConvolutionImage;
import com.layerlab.app.lab.ConvolutionImages;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.upload.Upload;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.server.streams.InMemoryUploadHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The explainer's image: a built-in sample, an image of a data set by its number, or the user's upload,
 * and for a colour image the plane to convolve. Bad numbers and bad uploads are said here and leave the
 * image as it was.
 */
class ImagePicker extends Div {

    static final String SAMPLES = "Built-in samples";
    static final String UPLOADED = "Your upload";

    private final Runnable onNewImage;
    private ConvolutionImage image;
    private ConvolutionImage uploaded;
    private String plane = ConvolutionImage.GRAY;

    private final Select<String> source = new Select<>();
    private final Select<String> sample = new Select<>();
    private final IntegerField imageIndex = new IntegerField("Image number");
    private final Select<String> planeSelect = new Select<>();
    private final Span imageLabel = new Span();
    private final Div uploadMessage = new Div();
    private final Upload upload;

    /**
     * @param onNewImage called when another image is shown
     * @param onPlane    called when another plane of a colour image is chosen
     */
    ImagePicker(Runnable onNewImage, Runnable onPlane) {
        this.onNewImage = onNewImage;
        addClassName("conv-group");
        source.setId("conv-source");
        source.setLabel("Source");
        source.setItems(sources(false));
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
                onPlane.run();
            }
        });

        imageLabel.setId("conv-image-label");
        imageLabel.addClassName("ll-hint");

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

        add(source, sample, imageIndex, planeSelect, imageLabel, upload, uploadMessage, uploadHint);
        selectDefaultImage();
    }

    ConvolutionImage image() {
        return image;
    }

    /** The plane of the image to convolve: its grey values or one colour channel. */
    float[] input() {
        return image.plane(plane);
    }

    private static List<String> sources(boolean withUpload) {
        List<String> sources = new ArrayList<>();
        sources.add(SAMPLES);
        sources.addAll(ConvolutionImages.DATASETS.values());
        if (withUpload) {
            sources.add(UPLOADED);
        }
        return sources;
    }

    private void selectDefaultImage() {
        source.setValue(ConvolutionImages.DATASETS.get("mnist"));
        imageIndex.setValue(0);
        sample.setValue(ConvolutionImages.DIGIT);
        try {
            show(ConvolutionImages.fromDataSet("mnist", 0));
        } catch (RuntimeException e) {
            // the samples drawn in code are always there
            source.setValue(SAMPLES);
            show(ConvolutionImages.sample(ConvolutionImages.DIGIT));
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
            source.setItems(sources(true));
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
        show(img);
        uploadMessage.setVisible(false);
        onNewImage.run();
    }

    private void show(ConvolutionImage img) {
        image = img;
        planeSelect.setVisible(img.colour());
        imageLabel.setText(ConvolutionCaptions.image(img));
    }
}
