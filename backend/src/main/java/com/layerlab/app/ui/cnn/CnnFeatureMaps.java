package com.layerlab.app.ui.cnn;

import com.layerlab.app.lab.CnnInspection;
import com.layerlab.app.training.CnnFrames;
import com.layerlab.app.ui.components.ImageGrid;
import com.vaadin.flow.component.dependency.CssImport;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import java.util.List;

/**
 * One image's path through a model: the image, then every layer's output (feature maps, one tile per
 * channel; a flat output as one strip with its values), one row per layer. The CNN lab draws a live run's
 * with it, the saved experiment's page those of its saved weights.
 */
@CssImport("./components/cnn-view.css")
public class CnnFeatureMaps extends Div {

    public CnnFeatureMaps() {
        addClassName("cnn-feature-maps");
    }

    /** Shows {@code image} (CHW, values in [0, 1]; null: none) and the layers' outputs for it. */
    public void show(CnnFrames.Planes image, List<CnnFrames.LayerOutput> outputs) {
        removeAll();
        if (image != null) {
            add(row("input", "Input " + CnnInspection.shape(image.shape()),
                    List.of(new ImageGrid.Tile(image.shape(), CnnImages.unitBytes(image.values()),
                            image.shape()[0] >= 3 ? ImageGrid.Mode.RGB : ImageGrid.Mode.GRAY, null, null, "input",
                            false, false)), 64));
        }
        for (CnnFrames.LayerOutput out : outputs) {
            int[] s = out.output().shape();
            String more = s.length == 3 && s[0] > CnnImages.MAX_CHANNELS ? " (first " + CnnImages.MAX_CHANNELS + " channels)" : "";
            int px = s.length == 3 ? (s[1] >= 24 ? 48 : s[1] >= 12 ? 40 : 32) : 96;
            add(row(String.valueOf(out.layer()), out.layer() + " " + out.type() + " " + CnnInspection.shape(s) + more,
                    CnnImages.featureMaps(out.output()), px));
        }
    }

    /** Shows nothing. */
    public void clear() {
        removeAll();
    }

    private static Div row(String key, String title, List<ImageGrid.Tile> tiles, int px) {
        Span t = new Span(title);
        t.addClassName("cnn-map-title");
        ImageGrid g = new ImageGrid();
        g.setTileSize(px);
        g.setTiles(tiles);
        Div row = new Div(t, g);
        row.addClassName("cnn-map-row");
        row.getElement().setAttribute("data-layer", key);
        return row;
    }
}
