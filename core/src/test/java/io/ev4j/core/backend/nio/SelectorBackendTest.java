package io.ev4j.core.backend.nio;

import io.ev4j.core.backend.Backend;
import io.ev4j.core.testutil.OpenFdCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.ev4j.core.backend.Backend.READ;
import static io.ev4j.core.backend.Backend.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/// The `nio` backend through the SPI alone, with pipes and loopback sockets.
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@ExtendWith(OpenFdCheck.class)
class SelectorBackendTest {

    private static final long SECOND = 1_000_000_000L;

    /// Records one poll's report and fails on a slot reported twice.
    private static final class Recorder implements Backend.ReadySink {
        final Map<Integer, Integer> ready = new HashMap<>();

        @Override
        public void ready(int slot, int mask) {
            if (ready.put(slot, mask) != null) {
                fail("slot " + slot + " reported twice in one poll");
            }
        }
    }

    private static Map<Integer, Integer> poll(Backend backend, long timeoutNs) throws IOException {
        Recorder recorder = new Recorder();
        int n = backend.poll(timeoutNs, recorder);
        assertEquals(recorder.ready.size(), n, "poll's count");
        return recorder.ready;
    }

    private static void writeByte(Pipe pipe) throws IOException {
        assertEquals(1, pipe.sink().write(ByteBuffer.wrap(new byte[] {42})));
    }

    @Test
    void describesItself() throws IOException {
        try (SelectorBackend backend = new SelectorBackend()) {
            assertEquals("nio", backend.name());
            assertFalse(backend.watchesFds());
            assertTrue(SelectorBackend.isSupported());
        }
    }

    @Test
    void pipeIsReadableAfterAWriteAndStaysSoUntilDrained() throws IOException {
        Pipe pipe = Pipe.open();
        try (SelectorBackend backend = new SelectorBackend(); var source = pipe.source(); var sink = pipe.sink()) {
            backend.modify(3, -1, source, 0, READ, false);
            assertFalse(source.isBlocking(), "registration makes the channel non-blocking");
            assertEquals(Map.of(), poll(backend, 0));
            writeByte(pipe);
            assertEquals(Map.of(3, READ), poll(backend, SECOND));
            assertEquals(Map.of(3, READ), poll(backend, 0), "level-triggered");
            assertEquals(1, source.read(ByteBuffer.allocate(8)));
            assertEquals(Map.of(), poll(backend, 0));
        }
    }

    @Test
    void pipeSinkIsWritable() throws IOException {
        Pipe pipe = Pipe.open();
        try (SelectorBackend backend = new SelectorBackend(); var source = pipe.source(); var sink = pipe.sink()) {
            backend.modify(5, -1, sink, 0, WRITE, false);
            assertEquals(Map.of(5, WRITE), poll(backend, SECOND));
        }
    }

    @Test
    void modifyMovesBetweenReadWriteAndBoth() throws IOException {
        try (SelectorBackend backend = new SelectorBackend();
             ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (SocketChannel a = SocketChannel.open(server.getLocalAddress());
                 SocketChannel b = server.accept()) {
                b.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));   // a: readable and writable
                backend.modify(7, -1, a, 0, READ, false);
                assertEquals(Map.of(7, READ), pollUntil(backend, 7, READ));
                backend.modify(7, -1, a, READ, WRITE, false);
                assertEquals(Map.of(7, WRITE), poll(backend, SECOND));
                backend.modify(7, -1, a, WRITE, READ | WRITE, false);
                assertEquals(Map.of(7, READ | WRITE), poll(backend, SECOND));
                backend.modify(7, -1, a, READ | WRITE, 0, false);
                assertEquals(Map.of(), poll(backend, 0));
            }
        }
    }

    /// Polls until `slot` shows `mask` (loopback data may take a moment), returning that poll.
    private static Map<Integer, Integer> pollUntil(Backend backend, int slot, int mask) throws IOException {
        long deadline = System.nanoTime() + 5 * SECOND;
        while (true) {
            Map<Integer, Integer> ready = poll(backend, SECOND / 10);
            if ((ready.getOrDefault(slot, 0) & mask) == mask) {
                return ready;
            }
            if (System.nanoTime() > deadline) {
                fail("slot " + slot + " never became " + mask + "; last poll: " + ready);
            }
        }
    }

    @Test
    void removeThenReAddInConsecutivePolls() throws IOException {
        Pipe pipe = Pipe.open();
        try (SelectorBackend backend = new SelectorBackend(); var source = pipe.source(); var sink = pipe.sink()) {
            writeByte(pipe);
            backend.modify(1, -1, source, 0, READ, false);
            assertEquals(Map.of(1, READ), poll(backend, SECOND));
            backend.modify(1, -1, source, READ, 0, false);
            assertEquals(Map.of(), poll(backend, 0));
            backend.modify(1, -1, source, 0, READ, false);
            assertEquals(Map.of(1, READ), poll(backend, SECOND));
        }
    }

    @Test
    void removeThenReAddWithoutAPollInBetweenFlushesTheCancelledKey() throws IOException {
        Pipe pipe = Pipe.open();
        try (SelectorBackend backend = new SelectorBackend(); var source = pipe.source(); var sink = pipe.sink()) {
            writeByte(pipe);
            backend.modify(1, -1, source, 0, READ, false);
            backend.modify(1, -1, source, READ, 0, false);
            backend.modify(4, -1, source, 0, READ, false);   // key still cancelled here
            assertEquals(Map.of(4, READ), poll(backend, SECOND));
            backend.modify(4, -1, source, READ, 0, false);
            backend.modify(4, -1, source, 0, READ, true);
            assertEquals(Map.of(4, READ), poll(backend, SECOND));
        }
    }

    @Test
    void readinessSeenByAFlushIsReportedByTheNextPollUnlessRemovedMeanwhile() throws IOException {
        Pipe ready = Pipe.open();
        Pipe other = Pipe.open();
        try (SelectorBackend backend = new SelectorBackend();
             var readySource = ready.source(); var readySink = ready.sink();
             var otherSource = other.source(); var otherSink = other.sink()) {
            writeByte(ready);
            backend.modify(1, -1, readySource, 0, READ, false);
            backend.modify(2, -1, otherSource, 0, READ, false);
            backend.modify(2, -1, otherSource, READ, 0, false);
            backend.modify(2, -1, otherSource, 0, READ, false);   // flush: sees slot 1 readable
            assertEquals(Map.of(1, READ), poll(backend, SECOND));

            backend.modify(2, -1, otherSource, READ, 0, false);
            backend.modify(2, -1, otherSource, 0, READ, false);   // flush sees slot 1 again
            backend.modify(1, -1, readySource, READ, 0, false);   // ... which is then removed
            assertEquals(Map.of(), poll(backend, 0));
        }
    }

    @Test
    void aWakeupConsumedByAFlushStillEndsTheNextPoll() throws IOException {
        Pipe pipe = Pipe.open();
        try (SelectorBackend backend = new SelectorBackend(); var source = pipe.source(); var sink = pipe.sink()) {
            backend.modify(1, -1, source, 0, READ, false);
            backend.wakeup();
            backend.modify(1, -1, source, READ, 0, false);
            backend.modify(1, -1, source, 0, READ, false);   // the flush selects, eating the wakeup
            long start = System.nanoTime();
            assertEquals(Map.of(), poll(backend, 20 * SECOND));
            assertTrue(System.nanoTime() - start < 10 * SECOND, "poll ran to its timeout");
        }
    }

    @Test
    void wakeupFromAnotherThreadEndsABlockingPoll() throws Exception {
        Pipe pipe = Pipe.open();
        try (SelectorBackend backend = new SelectorBackend(); var source = pipe.source(); var sink = pipe.sink()) {
            backend.modify(1, -1, source, 0, READ, false);
            CountDownLatch polling = new CountDownLatch(1);
            Thread waker = Thread.ofPlatform().start(() -> {
                try {
                    polling.await();
                } catch (InterruptedException e) {
                    return;
                }
                backend.wakeup();
            });
            try {
                long start = System.nanoTime();
                polling.countDown();
                // A wakeup that lands before the select also ends it at once: either way it ends.
                assertEquals(Map.of(), poll(backend, 20 * SECOND));
                assertTrue(System.nanoTime() - start < 10 * SECOND, "poll ran to its timeout");
            } finally {
                waker.interrupt();
                assertTrue(waker.join(java.time.Duration.ofSeconds(10)));
            }
        }
    }

    @Test
    void wakeupBeforePollMakesTheNextPollReturn() throws IOException {
        try (SelectorBackend backend = new SelectorBackend()) {
            backend.wakeup();
            long start = System.nanoTime();
            assertEquals(Map.of(), poll(backend, -1));
            assertTrue(System.nanoTime() - start < 10 * SECOND);
        }
    }

    @Test
    void aTimedPollWithNothingReadyReturnsZeroNoEarlierThanAsked() throws IOException {
        Pipe pipe = Pipe.open();
        try (SelectorBackend backend = new SelectorBackend(); var source = pipe.source(); var sink = pipe.sink()) {
            backend.modify(1, -1, source, 0, READ, false);
            for (long timeout : new long[] {50_000_000L, 1_500_000L, 1L}) {
                long start = System.nanoTime();
                assertEquals(Map.of(), poll(backend, timeout));
                long elapsed = System.nanoTime() - start;
                assertTrue(elapsed >= timeout, "woke after " + elapsed + " ns of " + timeout);
            }
        }
    }

    @Test
    void aClosedPeerMakesThePipeSourceReadable() throws IOException {
        Pipe pipe = Pipe.open();
        try (SelectorBackend backend = new SelectorBackend(); var source = pipe.source()) {
            backend.modify(9, -1, source, 0, READ, false);
            assertEquals(Map.of(), poll(backend, 0));
            pipe.sink().close();
            assertEquals(Map.of(9, READ), poll(backend, SECOND));
            assertEquals(-1, source.read(ByteBuffer.allocate(1)));
        }
    }

    @Test
    void twoHundredReadyChannelsAreAllReportedInOnePoll() throws IOException {
        List<Pipe> pipes = new ArrayList<>();
        try (SelectorBackend backend = new SelectorBackend()) {
            Map<Integer, Integer> expected = new HashMap<>();
            for (int i = 0; i < 200; i++) {
                Pipe pipe = Pipe.open();
                pipes.add(pipe);
                int slot = 1000 - 3 * i;
                backend.modify(slot, -1, pipe.source(), 0, READ, false);
                writeByte(pipe);
                expected.put(slot, READ);
            }
            assertEquals(expected, poll(backend, SECOND));
        } finally {
            for (Pipe pipe : pipes) {
                pipe.source().close();
                pipe.sink().close();
            }
        }
    }

    @Test
    void addingAClosedChannelThrowsAndRemovingOneIsSilent() throws IOException {
        Pipe pipe = Pipe.open();
        try (SelectorBackend backend = new SelectorBackend(); var sink = pipe.sink()) {
            pipe.source().close();
            assertThrows(ClosedChannelException.class, () -> backend.modify(1, -1, pipe.source(), 0, READ, false));
            backend.modify(1, -1, pipe.source(), READ, 0, false);

            backend.modify(2, -1, sink, 0, WRITE, false);
            sink.close();   // cancels the key behind the backend's back
            assertThrows(ClosedChannelException.class, () -> backend.modify(2, -1, sink, WRITE, READ | WRITE, false));
            backend.modify(2, -1, sink, WRITE, 0, false);
            assertEquals(Map.of(), poll(backend, 0));
        }
    }

    @Test
    void rejectsFileDescriptorsAndBadMasks() throws IOException {
        Pipe pipe = Pipe.open();
        try (SelectorBackend backend = new SelectorBackend(); var source = pipe.source(); var sink = pipe.sink()) {
            assertThrows(IllegalArgumentException.class, () -> backend.modify(0, 5, null, 0, READ, false));
            assertThrows(IllegalArgumentException.class, () -> backend.modify(0, 5, source, 0, READ, false));
            assertThrows(IllegalArgumentException.class, () -> backend.modify(0, -1, source, 0, 4, false));
        }
    }

    @Test
    void closeIsIdempotentAndLeavesChannelsOpen() throws IOException {
        Pipe pipe = Pipe.open();
        try (var source = pipe.source(); var sink = pipe.sink()) {
            SelectorBackend backend = new SelectorBackend();
            backend.modify(1, -1, source, 0, READ, false);
            backend.close();
            backend.close();
            backend.wakeup();
            assertTrue(source.isOpen());
            assertThrows(ClosedSelectorException.class, () -> backend.poll(0, (slot, mask) -> { }));
        }
    }

    /// This thread's allocated-bytes counter, or `null` where the JVM does not keep one. Reached
    /// by reflection: test classes are compiled into the module, which does not read
    /// `jdk.management`, but run on the class path, where everything is readable.
    private static java.util.function.LongSupplier allocatedBytes() {
        try {
            Object threads = Class.forName("java.lang.management.ManagementFactory")
                    .getMethod("getThreadMXBean").invoke(null);
            Class<?> counting = Class.forName("com.sun.management.ThreadMXBean");
            if (!counting.isInstance(threads)
                    || !(Boolean) counting.getMethod("isThreadAllocatedMemorySupported").invoke(threads)) {
                return null;
            }
            var method = counting.getMethod("getCurrentThreadAllocatedBytes");
            return () -> {
                try {
                    return (Long) method.invoke(threads);
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            };
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    @Test
    void pollingAllocatesNothingInSteadyState() throws IOException {
        java.util.function.LongSupplier allocated = allocatedBytes();
        assumeTrue(allocated != null, "no per-thread allocation counter");
        Pipe pipe = Pipe.open();
        try (SelectorBackend backend = new SelectorBackend(); var source = pipe.source(); var sink = pipe.sink()) {
            writeByte(pipe);
            backend.modify(1, -1, source, 0, READ, false);
            backend.modify(2, -1, sink, 0, WRITE, false);
            int[] reports = {0};
            Backend.ReadySink counter = (slot, mask) -> reports[0]++;
            for (int i = 0; i < 20_000; i++) {
                backend.poll(i % 2 == 0 ? 0 : SECOND, counter);
            }
            long before = allocated.getAsLong();
            for (int i = 0; i < 10_000; i++) {
                backend.poll(i % 2 == 0 ? 0 : SECOND, counter);
            }
            long bytes = allocated.getAsLong() - before;
            assertEquals(60_000, reports[0]);
            assertTrue(bytes < 10_000, bytes + " bytes allocated by 10000 polls");
        }
    }
}
