package com.layerlab.app.store;

import com.layerlab.app.lab.SavedDataUses;
import com.layerlab.engine.experiment.ExperimentException;
import com.layerlab.engine.experiment.ExperimentFiles;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;

/**
 * The store's answer to which saved experiments train on which data set: read from each saved file's
 * {@code data.dataset}. A database that cannot be reached is a {@link StoreException}, so that nothing is
 * deleted on a guess.
 */
@Component
class ExperimentDataUses implements SavedDataUses {

    private final ExperimentRepository repository;

    ExperimentDataUses(ExperimentRepository repository) {
        this.repository = repository;
    }

    @Override
    public List<Use> savedBy(String owner) {
        return database(() -> repository.findFilesByOwnerKeyOrderByCreatedAtDesc(owner)).stream()
                .map(ExperimentDataUses::use).flatMap(Optional::stream).toList();
    }

    @Override
    public List<Use> using(String dataset) {
        // the text search narrows the rows down; the file's data section decides
        return database(() -> repository.findFilesByExperimentContaining(dataset)).stream()
                .map(ExperimentDataUses::use).flatMap(Optional::stream).filter(u -> u.dataset().equals(dataset)).toList();
    }

    /** A saved file names its data set unless it was saved without one (a model only). */
    private static Optional<Use> use(ExperimentFile f) {
        try {
            var data = ExperimentFiles.read(f.getExperiment()).data();
            return data == null || data.dataset() == null ? Optional.empty()
                    : Optional.of(new Use(f.getId(), f.getOwnerKey(), f.getName(), data.dataset()));
        } catch (ExperimentException e) {
            return Optional.empty(); // checked when it was saved; a file this version cannot read trains on nothing here
        }
    }

    private static <T> T database(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (DataAccessException | TransactionException e) {
            throw new StoreException(StoreException.Kind.UNAVAILABLE, "The database cannot be reached just now, so the "
                    + "saved experiments that use your data cannot be looked up, and nothing was changed. Try again in a moment.", e);
        }
    }
}
