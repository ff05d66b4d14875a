package com.layerlab.app.store;

import java.util.Collection;
import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

/** The training_runs table: the runtime's journal of runs ({@link TrainingRunJournal}). */
interface TrainingRunRepository extends JpaRepository<TrainingRunRow, String> {

    List<TrainingRunRow> findByStateInOrderByStartedAtAsc(Collection<String> states);
}
