package com.layerlab.datasets;

/**
 * An image data set cannot be loaded or imported: an unknown id, a bad option, a missing or damaged
 * file, a rejected upload. The message says what and where, in words a user can act on.
 */
public class ImageDataException extends IllegalArgumentException {

    public ImageDataException(String message) {
        super(message);
    }

    public ImageDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
