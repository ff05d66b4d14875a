package com.layerlab.app.classroom;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The listener registry: per session, a throwing listener dropped, closing idempotent, safe across threads. */
class ClassEventsTest {

    @Test
    void eachSessionHearsItsOwnEventsAndAThrowingListenerIsDropped() {
        ClassEvents events = new ClassEvents();
        List<ClassEvent> one = new CopyOnWriteArrayList<>();
        List<ClassEvent> two = new CopyOnWriteArrayList<>();
        events.listen(1, one::add);
        events.listen(2, two::add);
        events.listen(1, e -> {
            throw new IllegalStateException("a closed UI");
        });
        events.publish(new ClassEvent.Paused(1, true));
        events.publish(new ClassEvent.Ended(2));
        events.publish(new ClassEvent.Ended(3));
        assertEquals(List.of(new ClassEvent.Paused(1, true)), one);
        assertEquals(List.of(new ClassEvent.Ended(2)), two);
        assertEquals(1, events.listenerCount(1), "the throwing one is gone");
        assertEquals(0, events.listenerCount(3));
    }

    @Test
    void aListenerClosingItselfWhileHearingDoesNotDisturbTheOthers() {
        ClassEvents events = new ClassEvents();
        AtomicInteger heard = new AtomicInteger();
        ClassEvents.Registration[] self = new ClassEvents.Registration[1];
        self[0] = events.listen(5, e -> {
            heard.incrementAndGet();
            self[0].close();
        });
        events.listen(5, e -> heard.incrementAndGet());
        events.publish(new ClassEvent.Locked(5, true));
        events.publish(new ClassEvent.Locked(5, false));
        assertEquals(3, heard.get());
        assertEquals(1, events.listenerCount(5));
    }

    @Test
    void manyPagesComingAndGoingLeaveNothingBehind() throws Exception {
        ClassEvents events = new ClassEvents();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch done = new CountDownLatch(8);
        for (int t = 0; t < 8; t++) {
            pool.execute(() -> {
                for (int i = 0; i < 500; i++) {
                    ClassEvents.Registration r = events.listen(9, e -> { });
                    events.publish(new ClassEvent.Paused(9, i % 2 == 0));
                    r.close();
                }
                done.countDown();
            });
        }
        done.await(30, TimeUnit.SECONDS);
        pool.shutdown();
        assertEquals(0, events.listenerCount(9));
    }
}
