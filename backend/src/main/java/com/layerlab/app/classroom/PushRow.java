package com.layerlab.app.classroom;

import com.layerlab.app.lab.ControlLocks.Control;
import com.layerlab.app.store.Page;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/** A row of {@code class_pushes} (V6__classroom.sql); the pages see {@link Push}. */
@Entity
@Table(name = "class_pushes")
class PushRow {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    Long id;
    @Column(name = "session_id", nullable = false)
    long sessionId;
    @Column(name = "pushed_at", nullable = false)
    Instant pushedAt;
    @Column(nullable = false, length = 200)
    String title;
    @Column(name = "view_state", nullable = false)
    String viewState;
    @Column(name = "experiment_id", length = 32)
    String experimentId;
    /** Comma-separated {@link Control} names ("" none unlocked); null: not a challenge. */
    @Column(length = 200)
    String unlocked;
    @Column(length = 16)
    String metric;
    Double target;
    @Column(name = "within_epochs")
    Integer withinEpochs;
    @Column(name = "max_params")
    Integer maxParams;
    @Column(name = "shared_from", length = 80)
    String sharedFrom;
    /** store.Page's id: "playground" or "cnn". */
    @Column(nullable = false, length = 16)
    String page;

    protected PushRow() {
        // for JPA
    }

    PushRow(long sessionId, Instant pushedAt, String title, Page page, String viewState, String experimentId,
            Challenge challenge, String sharedFrom) {
        this.page = page.id();
        this.sessionId = sessionId;
        this.pushedAt = pushedAt;
        this.title = title;
        this.viewState = viewState;
        this.experimentId = experimentId;
        this.sharedFrom = sharedFrom;
        if (challenge != null) {
            // in the enum's order, so that a row reads the same whatever set the teacher's form built
            this.unlocked = Arrays.stream(Control.values()).filter(challenge.unlocked()::contains)
                    .map(Enum::name).collect(Collectors.joining(","));
            this.metric = challenge.goal().metric().name();
            this.target = challenge.goal().target();
            this.withinEpochs = challenge.goal().withinEpochs();
            this.maxParams = challenge.goal().maxParams();
        }
    }

    Challenge challenge() {
        if (unlocked == null) {
            return null;
        }
        Set<Control> controls = EnumSet.noneOf(Control.class);
        for (String name : unlocked.split(",")) {
            if (!name.isBlank()) {
                controls.add(Control.valueOf(name.strip()));
            }
        }
        return new Challenge(controls, new Challenge.Goal(Challenge.Metric.valueOf(metric), target,
                withinEpochs == null ? 0 : withinEpochs, maxParams == null ? 0 : maxParams));
    }

    Push view() {
        return new Push(id, sessionId, pushedAt, title, viewState, experimentId, challenge(), sharedFrom,
                Page.CNN.id().equals(page) ? Page.CNN : Page.PLAYGROUND);
    }
}
