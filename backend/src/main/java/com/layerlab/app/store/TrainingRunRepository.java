package com.layerlab.app.store;

import java.util.Collection;
import java.util.List;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;
import org.springframework.transaction.annotation.Transactional;

/** The training_runs table: the runtime's journal of runs ({@link TrainingRunJournal}). */
interface TrainingRunRepository extends JpaRepository<TrainingRunRow, String> {

    List<TrainingRunRow> findByStateInOrderByStartedAtAsc(Collection<String> states);

    /** The runs in {@code states} that node {@code node} trains in its own runtime (not JobRunr's), oldest first. */
    List<TrainingRunRow> findByStateInAndNodeAndBackgroundFalseOrderByStartedAtAsc(Collection<String> states, String node);

    List<TrainingRunRow> findByPageOrderByStartedAtDesc(String page, Limit limit);

    /** Sets the metrics of run {@code id}: the one column the journal's writes leave alone. */
    @Modifying
    @Transactional
    @Query(value = "update training_runs set metrics = :metrics where id = :id", nativeQuery = true)
    int keepMetrics(@Param("id") String id, @Param("metrics") String metrics);
}
