package com.layerlab.app.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TrainingSlotsTest {

    @Test
    void oneVisitorCannotTakeEverySlot() {
        TrainingSlots slots = new TrainingSlots(3, 2, "image networks");
        TrainingSlots.Claim a1 = slots.claim("a");
        TrainingSlots.Claim a2 = slots.claim("a");
        TrainingSlots.Claim a3 = slots.claim("a");
        assertNull(a1.take());
        assertNull(a2.take());
        String why = a3.take();
        assertNotNull(why, "a third training of the same visitor waits");
        assertTrue(why.contains("your other pages are training 2 image networks"), why);
        assertTrue(why.contains("pause or close one of them"), why);
        assertFalse(a3.holds());
        // another visitor gets the slot left
        TrainingSlots.Claim b = slots.claim("b");
        assertNull(b.take());
        assertEquals(3, slots.computing());
        assertEquals(2, slots.computing("a"));
        assertEquals(1, slots.computing("b"));
    }

    @Test
    void aFullServerSaysSoAndTheWaitersGoInTheOrderTheyAsked() {
        TrainingSlots slots = new TrainingSlots(2, 2, "networks");
        TrainingSlots.Claim a = slots.claim("a");
        TrainingSlots.Claim b = slots.claim("b");
        assertNull(a.take());
        assertNull(b.take());
        TrainingSlots.Claim c = slots.claim("c");
        TrainingSlots.Claim d = slots.claim("d");
        String first = c.take();
        assertTrue(first.startsWith("Waiting: the server is training 2 networks right now, as many as it trains at once."),
                first);
        assertTrue(first.contains("starts by itself"), first);
        String second = d.take();
        assertTrue(second.contains("and 1 more waits before this one"), second);
        // a slot comes free: the first to ask gets it, even if the other asks first now
        a.release();
        assertNotNull(d.take());
        assertNull(c.take());
        assertTrue(c.holds());
        // the queue forgets a training that stops waiting
        d.release();
        TrainingSlots.Claim e = slots.claim("e");
        b.release();
        assertNull(e.take());
        assertEquals(2, slots.computing());
    }

    @Test
    void aWaiterOfAVisitorAtItsCapDoesNotHoldUpOthers() {
        TrainingSlots slots = new TrainingSlots(2, 1, "networks");
        TrainingSlots.Claim a1 = slots.claim("a");
        TrainingSlots.Claim a2 = slots.claim("a");
        assertNull(a1.take());
        assertNotNull(a2.take(), "a's second waits for a's first");
        // a2 asked first, but could not take the free slot: b may
        TrainingSlots.Claim b = slots.claim("b");
        assertNull(b.take());
    }

    @Test
    void givingBackAndTakingAgainIsSafeToRepeat() {
        TrainingSlots slots = new TrainingSlots(1, 1, "networks");
        TrainingSlots.Claim a = slots.claim("a");
        assertNull(a.take());
        assertNull(a.take(), "taking a slot held is a no-op");
        a.release();
        a.release();
        assertEquals(0, slots.computing());
        assertThrows(IllegalArgumentException.class, () -> new TrainingSlots(0, 1, "networks"));
    }
}
