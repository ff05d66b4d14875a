package com.layerlab.datasets;

/**
 * A point set file that cannot be used. The message names the line (when one line is to blame) and
 * the reason, and is fit to show to the learner who uploaded the file.
 */
public class PointsCsvException extends IllegalArgumentException {

    private final int line;
    private final String reason;

    public PointsCsvException(int line, String reason) {
        this(null, line, reason);
    }

    private PointsCsvException(String file, int line, String reason) {
        super((file == null ? "" : file + ", ") + (line > 0 ? "line " + line + ": " : "") + reason);
        this.line = line;
        this.reason = reason;
    }

    /** The same refusal naming the file first ("point set points:x, line 13: ..."), keeping the line. */
    public PointsCsvException in(String file) {
        return new PointsCsvException(file, line, reason);
    }

    /** The 1-based line at fault, or 0 when the file as a whole is (empty, too large, too few points). */
    public int line() {
        return line;
    }
}
