package io.ev4j.core;

import io.ev4j.core.testutil.LoopFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// How io watchers reach the backend: batched, net changes, shared handles, refused handles.
@Timeout(10)
class IoBatchingTest {
    private final ManualClock clock = new ManualClock();
    private final FakeBackend backend = new FakeBackend(clock);
    @RegisterExtension
    final LoopFixture loops = new LoopFixture();
    private final Loop loop = loops.track(Loop.builder().backend(backend).clock(clock).build());

    @Test
    void startStopAndRestartInOneIterationCostOneRegistration() {
        IoWatcher w = new IoWatcher(loop, IoSource.fd(5), Events.READ, (x, e) -> { });
        w.start();
        w.stop();
        w.start();
        assertTrue(backend.modifications.isEmpty(), "nothing reaches the backend before the poll");
        loop.runNoWait();
        assertEquals(List.of("5:0->1!"), backend.modifications);
        w.stop();
        w.start();
        loop.runNoWait();
        assertEquals(List.of("5:0->1!"), backend.modifications, "a stop and start that cancel out cost nothing");
        w.stop();
        loop.runNoWait();
        assertEquals(List.of("5:0->1!", "5:1->0"), backend.modifications);
    }

    @Test
    void watchersOnOneFdShareARegistrationAndEachGetsWhatItAskedFor() {
        List<String> got = new ArrayList<>();
        IoWatcher reader = new IoWatcher(loop, IoSource.fd(7), Events.READ, (x, e) -> got.add("r" + e));
        IoWatcher writer = new IoWatcher(loop, IoSource.fd(7), Events.WRITE, (x, e) -> got.add("w" + e));
        IoWatcher both = new IoWatcher(loop, IoSource.fd(7), Events.READ | Events.WRITE, (x, e) -> got.add("b" + e));
        reader.start();
        writer.start();
        both.start();
        backend.readyNow.put(7, Events.READ | Events.WRITE);
        loop.runNoWait();
        assertEquals(List.of("7:0->3!"), backend.modifications);
        assertEquals(List.of("r1", "w2", "b3"), got);
        writer.stop();
        both.stop();
        got.clear();
        loop.runNoWait();
        assertEquals("7:3->1", backend.modifications.get(1));
        assertEquals(List.of("r1"), got);
        reader.stop();
    }

    @Test
    void changingEventsOfAnActiveWatcherIsBatchedToo() {
        IoWatcher w = new IoWatcher(loop, IoSource.fd(3), Events.READ, (x, e) -> { });
        w.start();
        loop.runNoWait();
        w.setEvents(Events.READ | Events.WRITE);
        w.setEvents(Events.WRITE);
        loop.runNoWait();
        assertEquals(List.of("3:0->1!", "3:1->2"), backend.modifications);
        w.stop();
    }

    @Test
    void aHandleTheBackendRefusesStopsItsWatchersWithAnErrorEvent() {
        backend.refused.add(11);
        List<Integer> got = new ArrayList<>();
        IoWatcher w = new IoWatcher(loop, IoSource.fd(11), Events.READ, (x, e) -> got.add(e));
        w.start();
        loop.runNoWait();
        assertEquals(List.of(Events.ERROR | Events.READ), got);
        assertFalse(w.isActive());
        assertTrue(loop.verify());
    }

    @Test
    void feedFdEventReachesTheWatchersThatAskedForIt() {
        List<String> got = new ArrayList<>();
        IoWatcher r = new IoWatcher(loop, IoSource.fd(4), Events.READ, (x, e) -> got.add("r"));
        IoWatcher w = new IoWatcher(loop, IoSource.fd(4), Events.WRITE, (x, e) -> got.add("w"));
        r.start();
        w.start();
        loop.feedFdEvent(IoSource.fd(4), Events.WRITE);
        loop.invokePending();
        assertEquals(List.of("w"), got);
        r.stop();
        w.stop();
    }

    @Test
    void badIoArgumentsAreRefusedByName() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> IoSource.fd(-1)).getMessage().contains(">= 0"));
        assertThrows(IllegalArgumentException.class, () -> new IoWatcher(loop, IoSource.fd(1), 0, (x, e) -> { }));
        assertThrows(IllegalArgumentException.class, () -> new IoWatcher(loop, IoSource.fd(1), Events.TIMER, (x, e) -> { }));
        IoWatcher ch = new IoWatcher(loop, IoSource.channel(openPipeSource()), Events.READ, (x, e) -> { });
        assertTrue(assertThrows(IllegalArgumentException.class, ch::start).getMessage().contains("file descriptors"));
        IoWatcher active = new IoWatcher(loop, IoSource.fd(2), Events.READ, (x, e) -> { });
        active.start();
        assertThrows(IllegalStateException.class, () -> active.set(IoSource.fd(3), Events.READ));
        active.stop();
        closePipe();
    }

    private java.nio.channels.Pipe pipe;

    private java.nio.channels.SelectableChannel openPipeSource() {
        try {
            pipe = java.nio.channels.Pipe.open();
            return pipe.source();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void closePipe() {
        try {
            pipe.source().close();
            pipe.sink().close();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
