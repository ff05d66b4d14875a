package com.layerlab.app.store;

import java.util.List;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;

/** The experiments table. Who may see or change a row is decided by {@link ExperimentStore}, not here. */
public interface ExperimentRepository extends JpaRepository<SavedExperiment, String> {

    List<ExperimentSummary> findByOwnerKeyOrderByCreatedAtDesc(String ownerKey);

    List<ExperimentSummary> findByPublicFlagTrueOrderByCreatedAtDesc(Limit limit);
}
