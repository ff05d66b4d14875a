package com.layerlab.app.store;

import com.layerlab.app.account.VisitorClaimed;
import com.layerlab.app.lab.DataOwners;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * A visitor who signs up keeps what it made (API.md: "what it saves is its own and can be claimed by
 * signing up"): its saved experiments move in the sign-up's own transaction, so an account never exists
 * without them; its uploaded data sets (files, not rows) move once that transaction has committed.
 */
@Component
public class VisitorClaims {

    private static final Logger LOG = LoggerFactory.getLogger(VisitorClaims.class);

    private final ExperimentRepository experiments;
    private final DataOwners dataOwners;

    public VisitorClaims(ExperimentRepository experiments, DataOwners dataOwners) {
        this.experiments = experiments;
        this.dataOwners = dataOwners;
    }

    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    public void moveExperiments(VisitorClaimed claim) {
        int moved = experiments.transferOwner(claim.visitorKey(), claim.userKey());
        LOG.info("{} claimed {} saved experiments of its visitor", claim.userKey(), moved);
    }

    @TransactionalEventListener
    public void moveDataSets(VisitorClaimed claim) {
        int moved = dataOwners.transfer(claim.visitorKey(), claim.userKey());
        LOG.info("{} claimed {} uploaded data sets of its visitor", claim.userKey(), moved);
    }
}
