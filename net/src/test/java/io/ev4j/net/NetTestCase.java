package io.ev4j.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.ev4j.core.Loop;
import io.ev4j.net.buffer.SegmentPool;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/// What the connection tests share: a pool, the loop a test sets, and the checks after each
/// test: the loop is left with no active watcher, every segment came back to the pool, and
/// `/proc/self/fd` holds what it held before. The loop is closed even when a check fails, so
/// one failing test does not leak into the next.
abstract class NetTestCase {
    final SegmentPool pool;
    /// The loop under test; set by the test, closed after it.
    Loop loop;
    private java.util.SortedMap<Integer, String> fdsBefore;

    NetTestCase() {
        this(new SegmentPool());
    }

    NetTestCase(SegmentPool pool) {
        this.pool = pool;
    }

    @BeforeEach
    final void countFds() {
        fdsBefore = OpenFds.table();
    }

    @AfterEach
    final void checkEmpty() {
        if (loop != null) {
            try {
                assertFalse(loop.run(Loop.RunMode.NOWAIT), "watchers left active");
                assertEquals(0, loop.activeCount(), "loop not empty");
            } finally {
                loop.close();
            }
        }
        NetTesting.closePool(pool);
        var fdsAfter = OpenFds.table();
        assertEquals(fdsBefore.size(), fdsAfter.size(), () -> "open fds:" + OpenFds.changes(fdsBefore, fdsAfter));
    }
}
