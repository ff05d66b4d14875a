package com.layerlab.app.ui.playground;

import com.layerlab.app.lab.PointDrawing;
import com.layerlab.app.ui.components.HeatMap;
import com.layerlab.app.training.PlotData;
import com.layerlab.datasets.PointsCsv;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.select.Select;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * The data view as a drawing board: a click adds a point of the chosen class (or value) or erases the
 * points near it. The points are a {@link PointDrawing}; "Use these points" hands it to the page.
 */
class DrawingBoard extends Div {

    static final String ADD = "Add";
    static final String ERASE = "Erase";

    private final HeatMap board = new HeatMap(300);
    private final Select<Integer> classPick = new Select<>();
    private final Select<Double> valuePick = new Select<>();
    private final RadioButtonGroup<String> tool = new RadioButtonGroup<>();
    private final Span count = new Span();
    private final Span problem = new Span();
    private final Button use = new Button("Use these points", VaadinIcon.CHECK.create());
    private final Button cancel = new Button("Cancel");
    private PointDrawing drawing = new PointDrawing(false);

    DrawingBoard() {
        addClassName("ll-drawing");
        board.setId("draw-board");
        board.setAxes(true);
        board.setDrawable(true);
        board.addPointClickListener(this::clicked);

        classPick.setId("draw-class");
        classPick.setLabel("Class");
        classPick.setItems(IntStream.range(0, PointsCsv.MAX_CLASSES).boxed().toList());
        classPick.setItemLabelGenerator(c -> "class " + c);
        classPick.setRenderer(new com.vaadin.flow.data.renderer.ComponentRenderer<>(c -> {
            Span chip = new Span();
            chip.addClassName("ll-chip");
            chip.getStyle().set("background", HeatMap.CLASS_COLORS.get(c));
            Span item = new Span(chip, new Span("class " + c));
            item.addClassName("ll-legend-item");
            return item;
        }));
        classPick.setValue(0);
        valuePick.setId("draw-value");
        valuePick.setLabel("Value");
        valuePick.setItems(PointDrawing.VALUES);
        valuePick.setItemLabelGenerator(v -> String.format(Locale.ROOT, "%+.1f", v).replace("+0.0", "0"));
        valuePick.setValue(1.0);

        tool.setId("draw-tool");
        tool.setLabel("A click");
        tool.setItems(ADD, ERASE);
        tool.setItemLabelGenerator(t -> t.equals(ADD) ? "adds a point" : "erases");
        tool.setValue(ADD);

        Button clear = new Button("Clear", VaadinIcon.TRASH.create(), e -> {
            drawing.clear();
            refresh();
        });
        clear.setId("draw-clear");
        use.setId("draw-use");
        use.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        cancel.setId("draw-cancel");
        for (Button b : List.of(clear, use, cancel)) {
            b.addThemeVariants(ButtonVariant.LUMO_SMALL);
        }
        count.setId("draw-count");
        count.addClassName("ll-hint");
        problem.setId("draw-message");
        problem.addClassName("ll-points-message");
        problem.addClassName("ll-error");
        problem.getElement().setAttribute("role", "alert");
        problem.setVisible(false);

        Div boardBox = new Div(board);
        boardBox.addClassName("ll-mapbox");
        Div picks = new Div(classPick, valuePick, tool);
        picks.addClassName("ll-draw-picks");
        Div buttons = new Div(use, clear, cancel);
        buttons.addClassName("ll-draw-buttons");
        add(boardBox, count, picks, buttons, problem);
    }

    /** Starts drawing on {@code d} (empty, or a set's points to add to). */
    void start(PointDrawing d) {
        drawing = d;
        classPick.setVisible(!d.isRegression());
        valuePick.setVisible(d.isRegression());
        if (d.isRegression()) {
            board.setRegression(1);
        } else {
            board.setClasses();
        }
        tool.setValue(ADD);
        problem.setVisible(false);
        refresh();
    }

    PointDrawing drawing() {
        return drawing;
    }

    void addUseListener(Runnable r) {
        use.addClickListener(e -> r.run());
    }

    void addCancelListener(Runnable r) {
        cancel.addClickListener(e -> r.run());
    }

    void showProblem(String text) {
        problem.setText(text);
        problem.setVisible(true);
    }

    private void clicked(double x1, double x2) {
        if (ERASE.equals(tool.getValue())) {
            drawing.eraseNear(x1, x2);
        } else if (!drawing.add(x1, x2, drawing.isRegression() ? valuePick.getValue() : classPick.getValue())) {
            showProblem(String.format(Locale.ROOT, "A point set holds at most %,d points.", PointsCsv.MAX_POINTS));
            return;
        }
        problem.setVisible(false);
        refresh();
    }

    private void refresh() {
        board.setTrainPoints(PlotData.points(drawing.points(), !drawing.isRegression(), 1));
        int n = drawing.size();
        count.setText(n == 0 ? "No points yet: click on the map to add some"
                : n == 1 ? "1 point" : String.format(Locale.ROOT, "%,d points", n));
        count.getElement().setAttribute("data-count", String.valueOf(n));
    }
}
