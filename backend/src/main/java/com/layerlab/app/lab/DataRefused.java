package com.layerlab.app.lab;

/** A change to a learner's data set that is not made; the message says why, for the user. */
public class DataRefused extends RuntimeException {

    public DataRefused(String message) {
        super(message);
    }
}
