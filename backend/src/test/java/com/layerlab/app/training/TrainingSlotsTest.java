package com.layerlab.app.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.layerlab.engine.tensor.Device;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The scheduler's rules, on a fake clock: who gets a free slot, turns, places in the queue and their estimates. */
class TrainingSlotsTest {

    private static final TrainingSlots.Kind POINTS = new TrainingSlots.Kind("networks", 32, 32);
    private static final Duration TURN = Duration.ofSeconds(1);

    private final AtomicLong now = new AtomicLong();
    /** The scheduler under test: {@link #cpu}'s slots on the CPU, two on each accelerator. */
    private TrainingSlots slots;

    /**
     * A scheduler with {@code cpuSlots} slots on the CPU (two on each accelerator), and a claim of a 2D
     * training on the CPU for each of {@code owners}, in their order.
     */
    private List<TrainingSlots.Claim> cpu(int cpuSlots, String... owners) {
        slots = new TrainingSlots(cpuSlots, 2, TURN, now::get);
        List<TrainingSlots.Claim> claims = new ArrayList<>();
        for (String owner : owners) {
            claims.add(slots.claim(owner, POINTS));
        }
        return claims;
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void oneUsersTenRunsDoNotDelayAnothersOneBeyondOneSlot() {
        List<TrainingSlots.Claim> many = cpu(2, Collections.nCopies(10, "user:ana").toArray(String[]::new));
        for (TrainingSlots.Claim c : many) {
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
        List<TrainingSlots.Claim> claims = cpu(1, "user:ana", "user:bob");
        TrainingSlots.Claim ana = claims.get(0);
        TrainingSlots.Claim bob = claims.get(1);
        assertNull(ana.take());
        assertFalse(ana.turnOver(false), "nobody waits: it keeps the slot");
        advance(Duration.ofSeconds(5));
        assertFalse(ana.turnOver(false), "nobody waits, however long it held it");
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
        List<TrainingSlots.Claim> hers = cpu(1, "user:ana", "user:ana");
        TrainingSlots.Claim first = hers.get(0);
        TrainingSlots.Claim second = hers.get(1);
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
        List<TrainingSlots.Claim> claims = cpu(2, "user:ana", "user:bob", "user:ana");
        TrainingSlots.Claim ana1 = claims.get(0);
        TrainingSlots.Claim bob = claims.get(1);
        TrainingSlots.Claim ana2 = claims.get(2);
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
        List<TrainingSlots.Claim> claims = cpu(1, "user:a", "user:b", "user:c");
        TrainingSlots.Claim a = claims.get(0);
        TrainingSlots.Claim b = claims.get(1);
        TrainingSlots.Claim c = claims.get(2);
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
        cpu(4);
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
        TrainingSlots.Claim a = cpu(1, "a").get(0);
        assertNull(a.take());
        assertNull(a.take(), "taking a slot held is a no-op");
        a.release();
        a.release();
        assertEquals(0, slots.computing());
        assertEquals(0, a.position());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> new TrainingSlots(0, 1, TURN));
        assertTrue(none.getMessage().contains("layerlab.limits.computing"), none.getMessage());
        IllegalArgumentException noDevice = assertThrows(IllegalArgumentException.class, () -> new TrainingSlots(1, 0, TURN));
        assertTrue(noDevice.getMessage().contains("layerlab.limits.slots-per-device"), noDevice.getMessage());
    }

    @Test
    void anAcceleratorsRunsTakeItsOwnSlotsAndQueueFairlyThereWhileTheCpuIsFull() {
        List<TrainingSlots.Claim> onCpu = cpu(1, "user:ana", "user:bob");
        assertNull(onCpu.get(0).take());
        assertNotNull(onCpu.get(1).take(), "the CPU's one slot is taken");
        // the CPU is full, yet a run on the accelerator computes at once, and a second there too
        TrainingSlots.Claim gpu1 = slots.claim("user:ana", POINTS, "opencl:0");
        TrainingSlots.Claim gpu2 = slots.claim("user:ana", POINTS, "opencl:0");
        assertNull(gpu1.take());
        assertNull(gpu2.take());
        assertEquals(2, slots.computingOn("opencl:0"));
        assertEquals(1, slots.computingOn(TrainingSlots.CPU));
        assertEquals(2, slots.slotsOn("opencl:0"));
        assertEquals(1, slots.slotsOn(TrainingSlots.CPU));
        assertEquals(3, slots.computing());
        // its queue is its own: ana's third waits behind cem's one there, not behind bob on the CPU
        TrainingSlots.Claim ana3 = slots.claim("user:ana", POINTS, "opencl:0");
        ana3.take();
        advance(Duration.ofMillis(10));
        TrainingSlots.Claim cem = slots.claim("user:cem", POINTS, "opencl:0");
        String why = cem.take();
        assertEquals(1, cem.position(), why);
        assertEquals(2, ana3.position());
        assertEquals(1, onCpu.get(1).position(), "bob is first in the CPU's queue, whatever waits elsewhere");
        assertTrue(why.startsWith("Waiting: the server is training 2 networks right now on opencl:0, as many as it "
                + "trains at once there; this one is 1st in line"), why);
        assertEquals(3, slots.waiting());
        // a slot of the accelerator that comes free is cem's, not bob's on the CPU
        gpu1.release();
        assertNull(cem.take());
        assertNotNull(onCpu.get(1).take());
        assertEquals("opencl:0", cem.device());
    }

    @Test
    void aRunWhoseDeviceFailedMovesToTheCpusQueue() {
        List<TrainingSlots.Claim> onCpu = cpu(1, "user:bob");
        TrainingSlots.Claim run = slots.claim("user:ana", POINTS, "cuda:1");
        TrainingSlots.Claim next = slots.claim("user:cem", POINTS, "cuda:1");
        AtomicInteger woken = new AtomicInteger();
        next.wakeWith(woken::incrementAndGet);
        assertNull(run.take());
        assertNull(onCpu.get(0).take());
        assertNull(next.take(), "two slots on each accelerator here");
        TrainingSlots.Claim third = slots.claim("user:dan", POINTS, "cuda:1");
        third.wakeWith(woken::incrementAndGet);
        assertNotNull(third.take());
        // cuda:1 failed: the run goes on on the CPU, giving its slot there back (dan's turn) and queueing for the CPU's
        run.moveTo(TrainingSlots.CPU);
        assertFalse(run.holds());
        assertEquals(1, woken.get(), "the accelerator's waiter was woken");
        assertNull(third.take());
        String why = run.take();
        assertNotNull(why, "bob holds the CPU's one slot");
        assertEquals(TrainingSlots.CPU, run.device());
        assertEquals(1, run.position());
        onCpu.get(0).release();
        assertNull(run.take());
        assertEquals(1, slots.computingOn(TrainingSlots.CPU));
        assertEquals(2, slots.computingOn("cuda:1"));
    }

    @Test
    void everyCpuDeviceSharesTheCpusSlotsAndEachAcceleratorHasItsOwnQueue() {
        assertEquals(TrainingSlots.CPU, TrainingSlots.queueOf(Device.cpu()));
        assertEquals(TrainingSlots.CPU, TrainingSlots.queueOf("cpu", 1));
        assertEquals("opencl:0", TrainingSlots.queueOf(new FailingBackend(Long.MAX_VALUE).device));
        assertEquals("cuda:1", TrainingSlots.queueOf("cuda", 1));
    }
}
