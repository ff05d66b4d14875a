package com.layerlab.engine.experiment;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * A wrong experiment file, model or weights file. The message names the field or layer at fault
 * (for instance {@code model[2] (Linear): out_features must be a positive integer, got "abc"}) and is
 * meant to be shown to the user as it is.
 */
public class ExperimentException extends RuntimeException {

    public ExperimentException(String message) {
        super(message);
    }

    public ExperimentException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Why a file operation failed, in words: Java's message for a missing folder or a refused permission is
     * only the path ({@code /no/such/dir/w.safetensors}), which does not say what went wrong.
     */
    public static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or folder";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "a file of that name is in the way";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
