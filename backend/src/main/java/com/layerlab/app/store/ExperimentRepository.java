package com.layerlab.app.store;

import java.util.List;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

/** The experiments table. Who may see or change a row is decided by {@link ExperimentStore}, not here. */
public interface ExperimentRepository extends JpaRepository<SavedExperiment, String> {

    List<ExperimentSummary> findByOwnerKeyOrderByCreatedAtDesc(String ownerKey);

    List<ExperimentSummary> findByPublicFlagTrueOrderByCreatedAtDesc(Limit limit);

    /** The owner's experiment files, newest first (no weights loaded). */
    List<ExperimentFile> findFilesByOwnerKeyOrderByCreatedAtDesc(String ownerKey);

    /** The experiment files whose text holds {@code text} (a data set's id), for a closer look at each. */
    List<ExperimentFile> findFilesByExperimentContaining(String text);

    /** The bytes the owner's saved experiments take, all together (their sizes as counted when saved). */
    @Query("select coalesce(sum(e.sizeBytes), 0) from SavedExperiment e where e.ownerKey = :owner")
    long storedBytes(@Param("owner") String ownerKey);

    /** Gives every experiment of {@code from} to {@code to} (a visitor who signed up); the count moved. */
    @Modifying
    @Query("update SavedExperiment e set e.ownerKey = :to where e.ownerKey = :from")
    int transferOwner(@Param("from") String from, @Param("to") String to);
}
