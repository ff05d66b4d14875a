package com.layerlab.app.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The scheduler's rules, on a fake clock: who gets a free slot, turns, places in the queue and their estimates. */
class TrainingSlotsTest {

    private static final TrainingSlots.Kind POINTS = new TrainingSlots.Kind("networks", 32, 32);
    private static final Duration TURN = Duration.ofSeconds(1);

    private final AtomicLong now = new AtomicLong();

    private TrainingSlots slots(int maxTotal) {
        return new TrainingSlots(maxTotal, TURN, now::get);
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void oneUsersTenRunsDoNotDelayAnothersOneBeyondOneSlot() {
        TrainingSlots slots = slots(2);
        List<TrainingSlots.Claim> many = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            TrainingSlots.Claim c = slots.claim("user:ana", POINTS);
            many.add(c);
            c.take();
            advance(Duration.ofMillis(10));
        }
        assertTrue(many.get(0).holds() && many.get(1).holds(), "ana's first two take the free slots");
        TrainingSlots.Claim one = slots.claim("user:bob", POINTS);
        String why = one.take();
        assertNotNull(why, "every slot is taken");
        assertEquals(1, one.position(), "bob's one run is next, ahead of ana's eight waiting: " + why);
        assertTrue(why.contains("1st in line"), why);
        assertEquals(9, many.get(9).position(), "ana's last comes after bob's");
        assertNotNull(many.get(9).take());
        // the first slot that comes free is bob's, though ana's waited longer and asks first
        many.get(0).release();
        assertNotNull(many.get(2).take());
        assertNull(one.take());
        assertTrue(one.holds());
        assertEquals(8, slots.waiting());
    }

    @Test
    void aRunGivesItsTurnBackWhenOthersWaitAndItsTurnIsOver() {
        TrainingSlots slots = slots(1);
        TrainingSlots.Claim ana = slots.claim("user:ana", POINTS);
        assertNull(ana.take());
        assertFalse(ana.turnOver(false), "nobody waits: it keeps the slot");
        advance(Duration.ofSeconds(5));
        assertFalse(ana.turnOver(false), "nobody waits, however long it held it");
        TrainingSlots.Claim bob = slots.claim("user:bob", POINTS);
        AtomicInteger woken = new AtomicInteger();
        bob.wakeWith(woken::incrementAndGet);
        assertNotNull(bob.take());
        assertTrue(ana.turnOver(false), "bob waits and her turn began long ago");
        assertFalse(ana.holds(), "its turn was over: it gave the slot back");
        assertEquals(1, woken.get(), "the waiter was woken to take it");
        assertNull(bob.take());
        assertEquals(1, ana.position(), "ana queues again, next");
        // bob's turn is not over yet: he keeps the slot though ana waits
        advance(Duration.ofMillis(500));
        assertFalse(bob.turnOver(false));
        // unless he would only sleep with it
        assertTrue(bob.turnOver(true));
        assertNull(ana.take());
    }

    @Test
    void aUsersOwnRunsTakeTurnsToo() {
        TrainingSlots slots = slots(1);
        TrainingSlots.Claim first = slots.claim("user:ana", POINTS);
        TrainingSlots.Claim second = slots.claim("user:ana", POINTS);
        assertNull(first.take());
        advance(Duration.ofMillis(10));
        assertNotNull(second.take());
        advance(TURN);
        assertTrue(first.turnOver(false));
        assertNull(second.take(), "her other run, which waited, has the next turn");
        assertNotNull(first.take());
        advance(TURN);
        assertTrue(second.turnOver(false));
        assertNull(first.take());
    }

    @Test
    void aRunWithNobodyAheadKeepsItsSlotAtTheEndOfItsTurn() {
        TrainingSlots slots = slots(2);
        TrainingSlots.Claim ana1 = slots.claim("user:ana", POINTS);
        TrainingSlots.Claim bob = slots.claim("user:bob", POINTS);
        TrainingSlots.Claim ana2 = slots.claim("user:ana", POINTS);
        assertNull(ana1.take());
        assertNull(bob.take());
        assertNotNull(ana2.take());
        advance(TURN);
        // bob holds one and ana one: ana's other waiter takes ana's slot in turn, not bob's
        assertFalse(bob.turnOver(false), "the waiter is ana's, who holds as many as bob: bob's slot stays his");
        assertTrue(ana1.turnOver(false));
        assertNull(ana2.take());
    }

    @Test
    void aWaitingRunIsToldItsPlaceAndAnEstimateOnceSlotsHaveTurnedOver() {
        TrainingSlots slots = slots(1);
        TrainingSlots.Claim a = slots.claim("user:a", POINTS);
        TrainingSlots.Claim b = slots.claim("user:b", POINTS);
        TrainingSlots.Claim c = slots.claim("user:c", POINTS);
        assertNull(a.take());
        String first = b.take();
        assertEquals("Waiting: the server is training 1 network right now, as many as it trains at once; this one is "
                + "1st in line (whoever has the fewest trainings running goes first). It starts by itself: keep this "
                + "page open.", first, "no estimate before a slot has turned over");
        assertTrue(c.take().contains("2nd in line"));
        // slots turn over every 10 s
        advance(Duration.ofSeconds(10));
        a.release();
        assertNull(b.take());
        advance(Duration.ofSeconds(10));
        b.release();
        TrainingSlots.Claim d = slots.claim("user:d", POINTS);
        assertNull(c.take());
        String waits = d.take();
        assertTrue(waits.contains("1st in line, about 10 s"), waits);
        assertEquals(1, d.position());
        // no slot comes free for longer than they used to: the estimate grows with the wait
        advance(Duration.ofSeconds(30));
        String longer = d.take();
        assertTrue(longer.contains("1st in line, about 30 s"), longer);
    }

    @Test
    void aKindKeepsItsCapsAndAWaiterHeldBackByThemDoesNotHoldUpOthers() {
        TrainingSlots slots = slots(4);
        TrainingSlots.Kind images = new TrainingSlots.Kind("image networks", 2, 1);
        TrainingSlots.Claim a1 = slots.claim("a", images);
        TrainingSlots.Claim a2 = slots.claim("a", images);
        assertNull(a1.take());
        String why = a2.take();
        assertTrue(why.startsWith("Waiting: your other pages are training 1 image network right now"), why);
        assertTrue(why.contains("pause or close one of them"), why);
        // a2 asked first, but its kind's cap per owner holds it back: b may take a slot
        TrainingSlots.Claim b = slots.claim("b", images);
        assertNull(b.take());
        TrainingSlots.Claim c = slots.claim("c", images);
        String full = c.take();
        assertTrue(full.startsWith("Waiting: the server is training 2 image networks right now"), full);
        // the kinds share the slots: a 2D run still computes
        assertNull(slots.claim("c", POINTS).take());
        assertEquals(3, slots.computing());
        assertEquals(2, slots.computing(images));
        assertEquals(1, slots.computing((Object) "a"));
    }

    @Test
    void givingBackAndTakingAgainIsSafeToRepeat() {
        TrainingSlots slots = slots(1);
        TrainingSlots.Claim a = slots.claim("a", POINTS);
        assertNull(a.take());
        assertNull(a.take(), "taking a slot held is a no-op");
        a.release();
        a.release();
        assertEquals(0, slots.computing());
        assertEquals(0, a.position());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> new TrainingSlots(0, TURN));
        assertTrue(none.getMessage().contains("layerlab.limits.computing"), none.getMessage());
    }
}
