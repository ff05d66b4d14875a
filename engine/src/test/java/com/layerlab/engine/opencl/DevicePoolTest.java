package com.layerlab.engine.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The opencl backend's allocator, without a device: ranges never overlap, and dropped storages' ranges come back. */
class DevicePoolTest {

    private record Held(OpenClStorage storage, int offset, int size) {
    }

    private static Held take(DevicePool pool, int size) {
        int at = pool.take(size);
        if (at < 0) {
            return null;
        }
        OpenClStorage s = new OpenClStorage(null, null, at, size, null);
        pool.track(s, at, size, null);
        return new Held(s, at, size);
    }

    @Test
    void liveRangesNeverOverlapWhileStoragesComeAndGo() throws InterruptedException {
        DevicePool pool = new DevicePool(1 << 16);
        Random r = new Random(1);
        List<Held> live = new ArrayList<>();
        int taken = 0;
        for (int round = 0; round < 30; round++) {
            for (int i = 0; i < 40; i++) {
                Held h = take(pool, 1 + r.nextInt(700));
                if (h == null) {
                    break;
                }
                live.add(h);
                taken++;
            }
            // drop a random half; the pool learns of it from the collector
            for (int i = live.size() - 1; i >= 0; i--) {
                if (r.nextBoolean()) {
                    live.remove(i);
                }
            }
            pool.collect();
            live.sort((a, b) -> Integer.compare(a.offset(), b.offset()));
            for (int i = 0; i < live.size(); i++) {
                Held h = live.get(i);
                assertTrue(h.offset() >= DevicePool.RESERVED && h.offset() + h.size() <= pool.capacity(), "in the pool");
                if (i > 0) {
                    Held prev = live.get(i - 1);
                    assertTrue(prev.offset() + prev.size() <= h.offset(),
                            "round " + round + ": " + prev + " overlaps " + h);
                }
            }
        }
        assertTrue(taken > 600, "the pool served more ranges than fit at once: " + taken);
        live.clear();
        pool.collect();
        assertEquals(0, pool.inUse(), "every range came back");
        Held whole = take(pool, pool.capacity() - DevicePool.RESERVED);
        assertEquals(DevicePool.RESERVED, whole.offset(), "the free ranges merged back into one");
    }
}
