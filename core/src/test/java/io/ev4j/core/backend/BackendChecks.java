package io.ev4j.core.backend;

import io.ev4j.core.sys.linux.AllocatedBytes;
import io.ev4j.core.sys.linux.FdFixture;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// Checks every native backend's unit test makes the same way, on the SPI alone.
///
/// ```java
/// BackendChecks.wakeupFromAnotherThreadEndsABlockingPoll(new PollBackend());
/// ```
public final class BackendChecks {
    private static final long MS = 1_000_000L;

    private BackendChecks() {
    }

    /// A poll without limit on one thread returns 0 (the wake-up is not reported) once another
    /// thread calls [Backend#wakeup()]; the next poll waits again (the wake-up was drained).
    public static void wakeupFromAnotherThreadEndsABlockingPoll(Backend backend) throws Exception {
        CountDownLatch polling = new CountDownLatch(1);
        CompletableFuture<Integer> result = CompletableFuture.supplyAsync(() -> {
            polling.countDown();
            try {
                return backend.poll(-1, (slot, mask) -> { });
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        assertTrue(polling.await(5, TimeUnit.SECONDS));
        Thread waker = Thread.ofPlatform().start(backend::wakeup);
        assertEquals(0, result.get(10, TimeUnit.SECONDS), "the wake-up is not reported");
        waker.join();
        long start = System.nanoTime();
        assertEquals(0, backend.poll(20 * MS, (slot, mask) -> { }));
        assertTrue(System.nanoTime() - start >= 20 * MS, "eventfd drained: the next poll waits");
    }

    /// Wake-ups reach no sink.
    public static void wakeupsAreNotReported(Backend backend) throws IOException {
        backend.wakeup();
        backend.wakeup();
        Backend.ReadySink failing = (slot, mask) -> {
            throw new AssertionError("reported " + slot);
        };
        assertEquals(0, backend.poll(0, failing));
    }

    /// Ten thousand polls of a readable pipe allocate (next to) nothing once compiled.
    public static void pollAllocatesNothingOnceCompiled(Backend backend, FdFixture fds) throws Exception {
        int[] p = fds.pipe();
        fds.writeByte(p[1]);
        backend.modify(p[0], p[0], null, 0, Backend.READ, false);
        int[] seen = new int[1];
        Backend.ReadySink sink = (slot, mask) -> seen[0]++;
        long least = AllocatedBytes.steadyState(Duration.ofSeconds(12), 10_000, () -> backend.poll(0, sink));
        assertTrue(least < 1024, "10000 polls allocated at least " + least + " bytes");
        assertTrue(seen[0] >= 10_000);
    }
}
