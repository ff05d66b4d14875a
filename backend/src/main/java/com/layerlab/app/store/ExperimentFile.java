package com.layerlab.app.store;

/** A saved experiment's file with who owns it and its name, without its weights (a projection). */
public interface ExperimentFile {

    String getId();

    String getOwnerKey();

    String getName();

    String getExperiment();
}
