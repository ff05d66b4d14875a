package com.layerlab.app.lab;

import java.util.List;

/**
 * Which saved experiments train on which data set (their file's {@code data.dataset}). The store answers
 * it, as the store builds on this package and not the other way round; {@link OwnedData} decides with it
 * what uses a set.
 */
public interface SavedDataUses {

    /** One saved experiment: its id (its short link), whose it is, its name, and the data set its file names. */
    record Use(String experimentId, String ownerKey, String experimentName, String dataset) {
    }

    /** The saved experiments of {@code owner}, newest first. */
    List<Use> savedBy(String owner);

    /** The saved experiments of anyone that train on {@code dataset}. */
    List<Use> using(String dataset);
}
