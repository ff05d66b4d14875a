package com.layerlab.app.lab;

/**
 * Which output cell the explainer's window is on, counted row by row over the output of one convolution
 * (position 0 is the top left cell), with the kernel's weights that made it. It has no result until
 * {@link #show} gives it one.
 */
public final class ConvolutionCursor {

    private ConvolutionMath.Result result;
    private float[] weights;
    private int position;

    /**
     * Moves over to a new result (and the weights that made it), on the same output cell where that cell
     * still exists and on the first one where it does not.
     */
    public void show(ConvolutionMath.Result next, float[] nextWeights) {
        if (result != null) {
            int r = row();
            int c = col();
            position = r < next.outHeight() && c < next.outWidth() ? r * next.outWidth() + c : 0;
        }
        result = next;
        weights = nextWeights;
        position = Math.min(position, next.positions() - 1);
    }

    /** No result: the settings give no convolution. The position is kept for the next result. */
    public void clear() {
        result = null;
        weights = null;
    }

    /** Back to the first cell, for a new image. */
    public void rewind() {
        position = 0;
    }

    public boolean hasResult() {
        return result != null;
    }

    public ConvolutionMath.Result result() {
        return result;
    }

    public int position() {
        return position;
    }

    public int positions() {
        return result.positions();
    }

    public int row() {
        return position / result.outWidth();
    }

    public int col() {
        return position % result.outWidth();
    }

    public boolean atFirst() {
        return position == 0;
    }

    public boolean atLast() {
        return position >= result.positions() - 1;
    }

    public void first() {
        position = 0;
    }

    public void last() {
        position = result.positions() - 1;
    }

    /** {@code delta} cells on, stopping at the first and the last. */
    public void move(int delta) {
        position = Math.max(0, Math.min(result.positions() - 1, position + delta));
    }

    /** Onto output cell {@code (row, col)}. */
    public void moveTo(int row, int col) {
        if (row < 0 || row >= result.outHeight() || col < 0 || col >= result.outWidth()) {
            throw new IndexOutOfBoundsException("output cell (" + row + ", " + col + ") outside the "
                    + result.outHeight() + "x" + result.outWidth() + " output");
        }
        position = row * result.outWidth() + col;
    }

    /** The window on the current cell: the pixels it reads, the weights, their products and their sum. */
    public ConvolutionMath.Window window() {
        return ConvolutionMath.window(result, weights, row(), col());
    }
}
