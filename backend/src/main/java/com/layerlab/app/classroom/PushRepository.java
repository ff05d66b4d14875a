package com.layerlab.app.classroom;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

/** The class_pushes table (V6__classroom.sql). */
interface PushRepository extends JpaRepository<PushRow, Long> {

    Optional<PushRow> findFirstBySessionIdOrderByIdDesc(long sessionId);

    Optional<PushRow> findFirstBySessionIdAndUnlockedIsNotNullOrderByIdDesc(long sessionId);

    List<PushRow> findBySessionIdOrderByIdAsc(long sessionId);
}
