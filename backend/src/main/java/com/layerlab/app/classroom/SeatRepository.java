package com.layerlab.app.classroom;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

/** The class_seats table (V6__classroom.sql). */
interface SeatRepository extends JpaRepository<SeatRow, Long> {

    List<SeatRow> findBySessionIdOrderByIdAsc(long sessionId);

    Optional<SeatRow> findBySessionIdAndOwnerKey(long sessionId, String ownerKey);

    /** The owner's seats they have not left nor been removed from, in sessions that have not ended, newest first. */
    @Query("select s from SeatRow s, ClassSessionRow c where s.sessionId = c.id and s.ownerKey = :owner"
            + " and s.removed = false and s.leftAt is null and c.endedAt is null order by s.joinedAt desc, s.id desc")
    List<SeatRow> current(@Param("owner") String ownerKey);

    List<SeatRow> findByOwnerKey(String ownerKey);

    long countBySessionIdAndRemovedFalse(long sessionId);
}
