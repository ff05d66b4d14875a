package com.layerlab.app.store;

import java.time.Instant;

/** A saved experiment as lists show it, without its files (a projection: lists load no weights). */
public interface ExperimentSummary {

    String getId();

    String getName();

    String getOwnerKey();

    boolean isPublicFlag();

    Instant getCreatedAt();

    String getPage();

    int getTrainedEpoch();

    long getSizeBytes();
}
