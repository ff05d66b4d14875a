package com.layerlab.datasets;

/**
 * A point set file that cannot be used. The message names the line (when one line is to blame) and
 * the reason, and is fit to show to the learner who uploaded the file.
 */
public class PointsCsvException extends IllegalArgumentException {

    private final int line;

    public PointsCsvException(int line, String reason) {
        super(line > 0 ? "line " + line + ": " + reason : reason);
        this.line = line;
    }

    /** The 1-based line at fault, or 0 when the file as a whole is (empty, too large, too few points). */
    public int line() {
        return line;
    }
}
