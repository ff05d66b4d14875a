package com.layerlab.app.store;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

/** The further networks of saved experiments (a comparison's). Who may see them is {@link ExperimentStore}'s rule. */
public interface NetworkRepository extends JpaRepository<SavedNetwork, SavedNetwork.Key> {

    List<SavedNetwork> findByExperimentIdOrderByPositionAsc(String experimentId);
}
