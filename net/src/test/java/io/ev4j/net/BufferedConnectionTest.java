package io.ev4j.net;

import io.ev4j.core.BackendKind;
import io.ev4j.core.Loop;
import io.ev4j.core.TimerWatcher;
import io.ev4j.net.buffer.SegmentPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

import static io.ev4j.net.ConnectionEvents.CONNECTED;
import static io.ev4j.net.ConnectionEvents.EOF;
import static io.ev4j.net.ConnectionEvents.ERROR;
import static io.ev4j.net.ConnectionEvents.READING;
import static io.ev4j.net.ConnectionEvents.TIMEOUT;
import static io.ev4j.net.ConnectionEvents.WRITING;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// Buffered connections over real loopback TCP on every backend.
@Timeout(30)
@EnabledOnOs(OS.LINUX)
class BufferedConnectionTest {
    private final SegmentPool pool = new SegmentPool();
    private final List<String> events = new ArrayList<>();
    private int fdsBefore;
    private Loop loop;

    static java.util.stream.Stream<BackendKind> backends() {
        return NetTesting.backends();
    }

    @BeforeEach
    void countFds() {
        fdsBefore = NetTesting.openFds();
    }

    @AfterEach
    void checkEmpty() {
        NetTesting.closeAndCheckClean(loop, pool, fdsBefore);
    }

    private BufferedConnection.EventCallback record(String who) {
        return (c, ev) -> events.add(who + ":" + ConnectionEvents.toString(ev));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void echoesAMegabyteThroughBothBuffers(BackendKind kind) throws IOException {
        loop = NetTesting.loop(kind);
        var cs = NetTesting.connect(loop, pool);
        byte[] data = NetTesting.randomBytes(1 << 20, 1);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        cs.server().setCallbacks(c -> c.output().append(c.input()), null, record("server"));
        cs.server().enableReading();
        cs.client().setCallbacks(c -> {
            byte[] b = new byte[(int) c.input().length()];
            c.input().read(b, 0, b.length);
            received.writeBytes(b);
            if (received.size() == data.length) {
                cs.closeBoth();
            }
        }, null, (c, ev) -> {
            events.add("client:" + ConnectionEvents.toString(ev));
            if (ev == CONNECTED) {
                c.output().append(data);
                c.enableReading();
            }
        });
        loop.run();
        assertEquals(List.of("client:CONNECTED"), events);
        assertArrayEquals(data, received.toByteArray());
    }

    @ParameterizedTest
    @MethodSource("backends")
    void theHighWatermarkHoldsReadingBackUntilTheInputDrainsAndLosesNothing(BackendKind kind) throws IOException {
        loop = NetTesting.loop(kind);
        var cs = NetTesting.connect(loop, pool);
        byte[] data = NetTesting.randomBytes(512 * 1024, 2);
        long low = 100;
        long high = 8192;
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        long[] maxInput = {0};
        int[] suspendedSeen = {0};
        int[] writeCallbacks = {0};
        BufferedConnection reader = cs.server();
        reader.setReadWatermarks(low, high);
        reader.setCallbacks(c -> {
            assertTrue(c.input().length() >= low, "read callback below the low watermark");
            maxInput[0] = Math.max(maxInput[0], c.input().length());
        }, null, (c, ev) -> {
            events.add("reader:" + ConnectionEvents.toString(ev));
            byte[] rest = new byte[(int) c.input().length()];
            c.input().read(rest, 0, rest.length);
            received.writeBytes(rest);
        });
        reader.enableReading();
        // a slow consumer: 4 KiB per millisecond, so the writer's far faster supply backs up
        TimerWatcher consumer = new TimerWatcher(loop, (w, ev) -> {
            if (reader.isReadingSuspended()) {
                suspendedSeen[0]++;
            }
            byte[] b = new byte[(int) Math.min(4096, reader.input().length())];
            reader.input().read(b, 0, b.length);
            received.writeBytes(b);
            if (reader.isClosed() || received.size() == data.length) {
                w.stop();
                reader.close();
            }
        });
        consumer.start(1_000_000, 1_000_000);
        BufferedConnection writer = cs.client();
        writer.setWriteLowWatermark(16 * 1024);
        int[] sent = {0};
        writer.setCallbacks(null, c -> {
            writeCallbacks[0]++;
            assertTrue(unsentOf(c) <= 16 * 1024, "write callback above the low watermark");
            if (sent[0] == data.length) {
                c.close();
                return;
            }
            int n = Math.min(64 * 1024, data.length - sent[0]);
            c.output().append(data, sent[0], n);
            sent[0] += n;
        }, (c, ev) -> {
            if (ev == CONNECTED) {
                c.output().append(data, 0, 64 * 1024);
                sent[0] = 64 * 1024;
            }
        });
        loop.run();
        assertArrayEquals(data, received.toByteArray());
        assertTrue(maxInput[0] <= high, "input grew past the high watermark: " + maxInput[0]);
        assertTrue(suspendedSeen[0] > 0, "reading was never held back");
        assertTrue(writeCallbacks[0] >= data.length / (64 * 1024), "write callbacks: " + writeCallbacks[0]);
    }

    private static long unsentOf(BufferedConnection c) {
        return c.output().length();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void inactivityTimeoutsFireWithTheirSideAndDisableIt(BackendKind kind) throws IOException {
        long start = System.nanoTime();             // timers count from the loop's time, read later
        loop = NetTesting.loop(kind);
        var cs = NetTesting.connect(loop, pool);
        long timeoutNs = 50_000_000L;
        long[] at = new long[2];
        // the server neither reads nor writes: the client's reads see nothing, and its writes stop
        // once the socket buffers are full
        BufferedConnection client = cs.client();
        client.setTimeouts(timeoutNs, timeoutNs);
        client.setCallbacks(null, null, (c, ev) -> {
            events.add(ConnectionEvents.toString(ev));
            if (ev == CONNECTED) {
                c.output().append(new byte[64 << 20]);
            } else {
                at[ConnectionEvents.has(ev, READING) ? 0 : 1] = System.nanoTime();
            }
        });
        client.enableReading();
        loop.run();
        assertEquals(3, events.size(), events.toString());
        assertTrue(events.contains("READING|TIMEOUT"), events.toString());
        assertTrue(events.contains("WRITING|TIMEOUT"), events.toString());
        assertFalse(client.isReadingEnabled());
        assertFalse(client.isWritingEnabled());
        assertTrue(client.output().length() > 0, "the output keeps what could not be written");
        assertTrue(at[0] - start >= timeoutNs, "read timeout early");
        assertTrue(at[1] - start >= timeoutNs, "write timeout early");
        cs.closeBoth();
    }

    /// A listener whose accept queue is full drops further SYNs, so a connect to it hangs: the
    /// write timeout bounds it.
    @ParameterizedTest
    @MethodSource("backends")
    void theWriteTimeoutBoundsAConnectThatHangs(BackendKind kind) throws IOException {
        long start = System.nanoTime();             // timers count from the loop's time, read later
        loop = NetTesting.loop(kind);
        try (var listener = io.ev4j.core.socket.TcpListener.listen(loop, NetTesting.loopback(0), 1)) {
            List<java.nio.channels.SocketChannel> queued = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {         // fill the accept queue, never accepting
                    var ch = java.nio.channels.SocketChannel.open();
                    ch.configureBlocking(false);
                    ch.connect(listener.localAddress());
                    queued.add(ch);
                }
                BufferedConnection c = BufferedConnection.connect(loop, pool, listener.localAddress());
                c.setTimeouts(0, 200_000_000L);
                long[] at = {0};
                c.setCallbacks(null, null, (conn, ev) -> {
                    events.add(ConnectionEvents.toString(ev));
                    at[0] = System.nanoTime();
                });
                loop.run();
                org.junit.jupiter.api.Assumptions.assumeFalse(events.equals(List.of("CONNECTED"))
                        || events.equals(List.of("ERROR")), "this kernel does not drop SYNs to a full queue");
                assertEquals(List.of("WRITING|TIMEOUT"), events);
                assertTrue(c.isConnecting());
                assertTrue(at[0] - start >= 200_000_000L, "timeout early");
                c.close();
            } finally {
                for (var ch : queued) {
                    ch.close();
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aPeerThatClosesGivesEndOfStreamAfterItsLastBytes(BackendKind kind) throws IOException {
        loop = NetTesting.loop(kind);
        var cs = NetTesting.connect(loop, pool);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        cs.server().setCallbacks(c -> {
            byte[] b = new byte[(int) c.input().length()];
            c.input().read(b, 0, b.length);
            received.writeBytes(b);
        }, null, (c, ev) -> {
            events.add("server:" + ConnectionEvents.toString(ev));
            c.close();
        });
        cs.server().enableReading();
        cs.client().setCallbacks(null, null, (c, ev) -> {
            c.output().append("last words".getBytes());
            c.finishOutput();                      // half-close once written
        });
        loop.run();
        assertEquals(List.of("server:READING|EOF"), events);
        assertEquals("last words", received.toString());
        assertFalse(cs.server().isReadingEnabled());
        cs.client().close();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aRefusedConnectIsAnErrorEventWithTheException(BackendKind kind) throws IOException {
        loop = NetTesting.loop(kind);
        BufferedConnection c = BufferedConnection.connect(loop, pool, NetTesting.deadAddress());
        c.output().append("never sent".getBytes());
        c.setCallbacks(null, null, record("client"));
        loop.run();
        assertEquals(List.of("client:ERROR"), events);
        IOException e = c.lastError();
        assertNotNull(e);
        assertTrue(e instanceof ConnectException || e.getMessage().contains("ECONNREFUSED"), e.toString());
        assertFalse(c.isConnecting());
        c.close();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aResetByThePeerIsAReadingError(BackendKind kind) throws IOException {
        loop = NetTesting.loop(kind);
        try (var listener = io.ev4j.core.socket.TcpListener.listen(loop, NetTesting.loopback(0), 4)) {
            Socket peer = new Socket();
            peer.connect(listener.localAddress());
            var accepted = listener.accept();
            for (int i = 0; accepted == null && i < 1000; i++) {
                Thread.onSpinWait();
                accepted = listener.accept();
            }
            assertNotNull(accepted);
            BufferedConnection c = BufferedConnection.wrap(loop, pool, accepted, ConnectionOption.CLOSE_ON_FREE);
            c.setCallbacks(null, null, record("server"));
            c.enableReading();
            peer.getOutputStream().write("x".getBytes());
            NetTesting.runUntil(loop, () -> c.input().length() == 1, 5000);
            peer.setSoLinger(true, 0);
            peer.close();                          // RST
            loop.run();
            assertEquals(List.of("server:READING|ERROR"), events);
            assertNotNull(c.lastError());
            assertFalse(c.isReadingEnabled());
            assertFalse(c.isWritingEnabled());
            c.close();
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void writingToAPeerThatIsGoneIsAWritingError(BackendKind kind) throws IOException {
        loop = NetTesting.loop(kind);
        var cs = NetTesting.connect(loop, pool);
        NetTesting.runUntil(loop, () -> !cs.client().isConnecting(), 5000);
        cs.server().close();
        cs.client().setCallbacks(null, null, record("client"));
        cs.client().output().append(new byte[1 << 20]);
        loop.run();
        assertEquals(List.of("client:WRITING|ERROR"), events);
        assertNotNull(cs.client().lastError());
        cs.client().close();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void closeOnFreeDecidesWhoClosesAWrappedSocket(BackendKind kind) throws IOException {
        loop = NetTesting.loop(kind);
        try (var listener = io.ev4j.core.socket.TcpListener.listen(loop, NetTesting.loopback(0), 4)) {
            var socket = io.ev4j.core.socket.TcpSocket.connect(loop, listener.localAddress());
            BufferedConnection kept = BufferedConnection.wrap(loop, pool, socket);
            kept.close();
            assertTrue(socket.isOpen(), "closed without CLOSE_ON_FREE");
            BufferedConnection owning = BufferedConnection.wrap(loop, pool, socket, ConnectionOption.CLOSE_ON_FREE);
            owning.close();
            assertFalse(socket.isOpen());
            NetTesting.runUntil(loop, () -> {
                try {
                    var a = listener.accept();
                    if (a != null) {
                        a.close();
                    }
                    return a != null;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, 5000);
        }
    }
}
