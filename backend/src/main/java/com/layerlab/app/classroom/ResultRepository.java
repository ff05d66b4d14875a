package com.layerlab.app.classroom;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

/** The class_results table (V6__classroom.sql). */
interface ResultRepository extends JpaRepository<ResultRow, Long> {

    Optional<ResultRow> findByPushIdAndSeatId(long pushId, long seatId);

    List<ResultRow> findByPushId(long pushId);
}
