package com.layerlab.app.ui.components;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.ComponentEvent;
import com.vaadin.flow.component.DomEvent;
import com.vaadin.flow.component.EventData;
import com.vaadin.flow.component.HasSize;
import com.vaadin.flow.component.HasStyle;
import com.vaadin.flow.component.Tag;
import com.vaadin.flow.component.dependency.JsModule;
import com.vaadin.flow.shared.Registration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A grid of small images with captions ({@code frontend/components/cnn-image-grid.js}): a batch of
 * training images, test images with their predictions, feature maps, filters. Pixels travel as one
 * byte each, base64, so a frame of maps stays small.
 */
@Tag("cnn-image-grid")
@JsModule("./components/cnn-image-grid.js")
public class ImageGrid extends Component implements HasSize, HasStyle {

    /** How a tile's bytes are coloured. */
    public enum Mode { GRAY, RGB, DIVERGING }

    /**
     * One image: its shape ({@code [c, h, w]} or {@code [n]}), CHW bytes, colouring, a title and a
     * caption below it (may be null), and whether to mark it wrong or selected.
     */
    public record Tile(int[] shape, byte[] data, Mode mode, String title, String caption, String tooltip, boolean wrong,
                       boolean selected) {
        public Tile withSelected(boolean on) {
            return new Tile(shape, data, mode, title, caption, tooltip, wrong, on);
        }
    }

    /** A tile was clicked (selectable grids only). */
    @DomEvent("tile-click")
    public static class TileClickEvent extends ComponentEvent<ImageGrid> {
        private final int index;

        public TileClickEvent(ImageGrid source, boolean fromClient, @EventData("event.detail.index") int index) {
            super(source, fromClient);
            this.index = index;
        }

        public int index() {
            return index;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private List<Tile> tiles = List.of();
    private int size = 56;
    private boolean selectable;
    private String empty = "";

    public ImageGrid() {
        send();
    }

    /** The longer side of a tile's picture, in CSS pixels (pixels are scaled up by whole numbers). */
    public void setTileSize(int px) {
        size = px;
        send();
    }

    public void setSelectable(boolean on) {
        selectable = on;
        send();
    }

    /** What the grid says while it has no tiles. */
    public void setEmptyText(String text) {
        empty = text == null ? "" : text;
        send();
    }

    public void setTiles(List<Tile> newTiles) {
        tiles = List.copyOf(newTiles);
        send();
    }

    public List<Tile> getTiles() {
        return tiles;
    }

    public Registration addTileClickListener(com.vaadin.flow.component.ComponentEventListener<TileClickEvent> l) {
        return addListener(TileClickEvent.class, l);
    }

    private void send() {
        List<Map<String, Object>> t = new ArrayList<>();
        for (Tile tile : tiles) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("shape", tile.shape());
            m.put("data", Base64.getEncoder().encodeToString(tile.data()));
            m.put("mode", tile.mode().name().toLowerCase(java.util.Locale.ROOT));
            if (tile.title() != null) {
                m.put("title", tile.title());
            }
            if (tile.caption() != null) {
                m.put("caption", tile.caption());
            }
            if (tile.tooltip() != null) {
                m.put("tooltip", tile.tooltip());
            }
            if (tile.wrong()) {
                m.put("wrong", true);
            }
            if (tile.selected()) {
                m.put("selected", true);
            }
            t.add(m);
        }
        Map<String, Object> grid = new LinkedHashMap<>();
        grid.put("size", size);
        grid.put("selectable", selectable);
        grid.put("empty", empty);
        grid.put("tiles", t);
        try {
            getElement().setProperty("grid", JSON.writeValueAsString(grid));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("image grid data could not be written as JSON", e);
        }
    }
}
