package io.ev4j.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ev4j.core.BackendKind;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/// The platform resolver behind [HostResolver#system()]: answers on the loop thread, keeps the
/// loop running while it looks up, and drops a cancelled answer.
@Timeout(30)
class SystemHostResolverTest extends NetTestCase {

    @Test
    void answersOnTheLoopThreadAndKeepsRunGoingMeanwhile() {
        loop = NetTesting.loop(BackendKind.NIO);
        List<InetAddress> found = new ArrayList<>();
        List<IOException> errors = new ArrayList<>();
        Thread[] answeredOn = new Thread[1];
        HostResolver.system().resolve(loop, "localhost", (addresses, error) -> {
            answeredOn[0] = Thread.currentThread();
            found.addAll(addresses);
            if (error != null) {
                errors.add(error);
            }
        });
        assertEquals(1, loop.activeCount(), "the lookup counts as active");
        loop.run();                                  // returns only after the answer
        assertSame(Thread.currentThread(), answeredOn[0]);
        assertEquals(List.of(), errors);
        assertFalse(found.isEmpty());
        assertTrue(found.stream().allMatch(InetAddress::isLoopbackAddress), found.toString());
        assertEquals(0, loop.activeCount());
    }

    @Test
    void aCancelledLookupNeverAnswers() {
        loop = NetTesting.loop(BackendKind.NIO);
        boolean[] answered = {false};
        HostResolver.Lookup lookup = HostResolver.system().resolve(loop, "localhost", (a, e) -> answered[0] = true);
        lookup.cancel();
        lookup.cancel();                             // idempotent
        assertEquals(0, loop.activeCount());
        // the answer still travels back as a loop task: run until it has come and been dropped
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (loop.metrics().tasksRun() == 0) {
            assertTrue(System.nanoTime() < deadline, "the answer never came back");
            loop.runNoWait();
            Thread.yield();
        }
        assertFalse(answered[0]);
    }
}
