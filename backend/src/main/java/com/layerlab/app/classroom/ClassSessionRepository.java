package com.layerlab.app.classroom;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

/** The class_sessions table (V6__classroom.sql). */
interface ClassSessionRepository extends JpaRepository<ClassSessionRow, Long> {

    Optional<ClassSessionRow> findByCode(String code);

    boolean existsByCode(String code);

    List<ClassSessionRow> findByTeacherIgnoreCaseOrderByCreatedAtDescIdDesc(String teacher);
}
