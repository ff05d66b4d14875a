package com.layerlab.app.ui.convolution;

import com.layerlab.app.lab.ConvolutionCaptions;
import com.layerlab.app.lab.ConvolutionCursor;
import com.layerlab.app.lab.ConvolutionMath;
import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.shared.Registration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * "Step the window": first, previous, play or pause, next and last over the output cells, the speed of
 * play, and the window's products and their sum. Play moves the window on at every poll of the page.
 */
class WindowStepper extends Div {

    static final Map<String, Integer> SPEEDS = Map.of("Slow", 700, "Normal", 300, "Fast", 80);

    private final Consumer<ConvolutionMath.Window> onWindow;
    private final ConvolutionCursor cursor = new ConvolutionCursor();
    private boolean playing;
    private Registration pollRegistration;

    private final Button first = new Button(VaadinIcon.FAST_BACKWARD.create());
    private final Button prev = new Button(VaadinIcon.STEP_BACKWARD.create());
    private final Button play = new Button(VaadinIcon.PLAY.create());
    private final Button next = new Button(VaadinIcon.STEP_FORWARD.create());
    private final Button last = new Button(VaadinIcon.FAST_FORWARD.create());
    private final Select<String> speed = new Select<>();
    private final Span positionLabel = new Span();
    private final Div products = new Div();
    private final Div sum = new Div();

    /** @param onWindow called with the window whenever it moves, to mark it on the maps */
    WindowStepper(Consumer<ConvolutionMath.Window> onWindow) {
        this.onWindow = onWindow;
        addClassNames("ll-panel", "conv-step-panel");
        transportButton(first, "conv-first", "First position", cursor::first);
        transportButton(prev, "conv-prev", "Previous position", () -> cursor.move(-1));
        transportButton(next, "conv-next", "Next position", () -> cursor.move(1));
        transportButton(last, "conv-last", "Last position", cursor::last);
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
        add(ConvolutionView.section("Step the window"), transport, products, sum);
    }

    private void transportButton(Button b, String id, String label, Runnable move) {
        b.setId(id);
        b.getElement().setAttribute("aria-label", label);
        b.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        b.addClickListener(e -> {
            stop();
            if (cursor.hasResult()) {
                move.run();
                showWindow();
            }
        });
    }

    /** A new result: the window stays on its output cell where that is still there. */
    void show(ConvolutionMath.Result result, float[] weights) {
        cursor.show(result, weights);
        showWindow();
    }

    /** No result: nothing to step through. */
    void clear() {
        stop();
        cursor.clear();
        products.removeAll();
        sum.setText("");
        sum.getElement().removeAttribute("data-value");
        positionLabel.setText("");
        for (Button b : List.of(first, prev, play, next, last)) {
            b.setEnabled(false);
        }
    }

    /** The next result starts on the first output cell (a new image). */
    void rewind() {
        cursor.rewind();
    }

    /** Onto output cell {@code (row, col)}, as clicked on the map. */
    void moveTo(int row, int col) {
        if (cursor.hasResult()) {
            stop();
            cursor.moveTo(row, col);
            showWindow();
        }
    }

    private void showWindow() {
        ConvolutionMath.Window win = cursor.window();
        onWindow.accept(win);
        positionLabel.setText(ConvolutionCaptions.position(cursor));
        products.removeAll();
        products.getStyle().set("grid-template-columns", "repeat(" + cursor.result().kernel() + ", auto)");
        for (ConvolutionMath.Tap t : win.taps()) {
            Div cell = new Div(ConvolutionCaptions.product(t));
            cell.addClassName("conv-product");
            if (t.inPadding()) {
                cell.addClassName("padding");
                cell.getElement().setAttribute("title", "a padding zero");
            }
            products.add(cell);
        }
        sum.setText(ConvolutionCaptions.sum(win));
        sum.getElement().setAttribute("data-value", ConvolutionMath.format(win.sum()));
        first.setEnabled(!cursor.atFirst());
        prev.setEnabled(!cursor.atFirst());
        next.setEnabled(!cursor.atLast());
        last.setEnabled(!cursor.atLast());
        play.setEnabled(!cursor.atLast() || playing);
    }

    private void start() {
        if (!cursor.hasResult()) {
            return;
        }
        if (cursor.atLast()) {
            cursor.first();
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
        if (!playing || !cursor.hasResult()) {
            return;
        }
        if (!cursor.atLast()) {
            cursor.move(1);
        }
        if (cursor.atLast()) {
            stop();
        }
        showWindow();
    }

    @Override
    protected void onAttach(AttachEvent attachEvent) {
        super.onAttach(attachEvent);
        pollRegistration = attachEvent.getUI().addPollListener(e -> tick());
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
