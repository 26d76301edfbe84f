package io.ev4j.net.buffer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class SegmentPoolTest {

    @Test
    void reusesChunksUpToTheBoundAndFreesTheRest() {
        SegmentPool pool = new SegmentPool(8, 2);
        try (Buffer b = new Buffer(pool)) {
            b.append(new byte[40]); // 5 chunks
            assertEquals(5, pool.outstanding());
            assertEquals(5, pool.chunksAllocated());
            b.clear();
            assertEquals(0, pool.outstanding());
            assertEquals(2, pool.freeChunks(), "the free list keeps 2");
            assertEquals(2, pool.chunksAllocated(), "3 freed at once");
            b.append(new byte[16]);
            assertEquals(2, pool.chunksAllocated(), "served from the free list");
        }
        pool.close();
        assertEquals(0, pool.chunksAllocated());
        assertTrue(pool.isClosed());
    }

    @Test
    void closingWhileBuffersHoldChunksFreesThemOnRelease() {
        SegmentPool pool = new SegmentPool(8, 4);
        Buffer b = new Buffer(pool);
        b.append(new byte[20]);
        pool.close();
        assertEquals(3, pool.chunksAllocated(), "still in the buffer");
        assertThrows(IllegalStateException.class, () -> b.append(new byte[2]), "no appends once the pool is closed");
        assertThrows(IllegalStateException.class, () -> b.prepend(new byte[2]));
        assertEquals(20, b.length(), "refused before changing anything");
        assertEquals(5, b.drain(5), "draining needs no chunk");
        b.close();
        assertEquals(0, pool.chunksAllocated());
        assertEquals(0, pool.outstanding());
        pool.close(); // idempotent
    }

    @Test
    void rejectsBadSizes() {
        assertThrows(IllegalArgumentException.class, () -> new SegmentPool(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new SegmentPool(8, -1));
        try (SegmentPool pool = new SegmentPool()) {
            assertEquals(SegmentPool.DEFAULT_CHUNK_SIZE, pool.chunkSize());
        }
    }
}
