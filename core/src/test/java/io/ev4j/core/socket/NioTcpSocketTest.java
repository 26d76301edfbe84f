package io.ev4j.core.socket;

import io.ev4j.core.IoSource;
import io.ev4j.core.Loop;
import io.ev4j.core.backend.Backend;
import io.ev4j.core.backend.nio.SelectorBackend;
import io.ev4j.core.testutil.OpenFdCheck;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static io.ev4j.core.backend.Backend.READ;
import static io.ev4j.core.backend.Backend.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/// NIO sockets over IPv4 and IPv6 loopback, driven by [SelectorBackend#poll] directly.
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@ExtendWith(OpenFdCheck.class)
class NioTcpSocketTest {

    private static final long SECOND = 1_000_000_000L;

    /// The loopback address `host`; skips the test when it cannot be bound (no IPv6).
    private static InetAddress loopback(String host) throws IOException {
        InetAddress address = InetAddress.getByName(host);
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.bind(new InetSocketAddress(address, 0));
        } catch (IOException | UnsupportedOperationException e) {
            assumeTrue(false, host + " cannot be bound here: " + e);
        }
        return address;
    }

    private static SelectableChannel channel(IoSource source) {
        return ((IoSource.Channel) source).channel();
    }

    /// Polls until `slot` shows all of `mask`, for at most five seconds.
    private static void await(Backend backend, int slot, int mask) throws IOException {
        long deadline = System.nanoTime() + 5 * SECOND;
        int[] seen = {0};
        while ((seen[0] & mask) != mask) {
            if (System.nanoTime() > deadline) {
                fail("slot " + slot + " never became ready for " + mask);
            }
            backend.poll(SECOND / 10, (s, m) -> {
                if (s == slot) {
                    seen[0] |= m;
                }
            });
        }
    }

    /// A connected pair (client first), connected through the backend as a loop would.
    private static TcpSocket[] connectedPair(Loop loop, TcpListener listener) throws IOException {
        Backend backend = loop.backend();
        TcpSocket client = TcpSocket.connect(loop, listener.localAddress());
        try {
            backend.modify(90, -1, channel(client.source()), 0, WRITE, false);
            await(backend, 90, WRITE);
            assertTrue(client.finishConnect());
            backend.modify(90, -1, channel(client.source()), WRITE, 0, false);
            backend.modify(91, -1, channel(listener.source()), 0, READ, false);
            await(backend, 91, READ);
            backend.modify(91, -1, channel(listener.source()), READ, 0, false);
            TcpSocket server = listener.accept();
            assertNotNull(server);
            return new TcpSocket[] {client, server};
        } catch (IOException | RuntimeException | Error e) {
            client.close();
            throw e;
        }
    }

    private static void writeFully(Backend backend, int slot, TcpSocket socket, ByteBuffer src) throws IOException {
        backend.modify(slot, -1, channel(socket.source()), 0, WRITE, false);
        try {
            while (src.hasRemaining()) {
                if (socket.write(src) == 0) {
                    await(backend, slot, WRITE);
                }
            }
        } finally {
            backend.modify(slot, -1, channel(socket.source()), WRITE, 0, false);
        }
    }

    /// Reads until `dst` is full; returns -1 if end of stream came first, else its position.
    private static int readFully(Backend backend, int slot, TcpSocket socket, ByteBuffer dst) throws IOException {
        backend.modify(slot, -1, channel(socket.source()), 0, READ, false);
        try {
            while (dst.hasRemaining()) {
                int n = socket.read(dst);
                if (n < 0) {
                    return -1;
                }
                if (n == 0) {
                    await(backend, slot, READ);
                }
            }
            return dst.position();
        } finally {
            backend.modify(slot, -1, channel(socket.source()), READ, 0, false);
        }
    }

    private static String text(ByteBuffer buffer) {
        return StandardCharsets.UTF_8.decode(buffer.flip()).toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void connectAcceptAndExchangeBothWaysWithHeapAndDirectBuffers(String host) throws IOException {
        InetAddress address = loopback(host);
        try (Loop loop = Loop.builder().backend(new SelectorBackend()).build();
             TcpListener listener = TcpListener.listen(loop, new InetSocketAddress(address, 0), 16)) {
            assertInstanceOf(NioTcpListener.class, listener);
            assertSame(listener.source(), listener.source());
            InetSocketAddress bound = listener.localAddress();
            assertEquals(address, bound.getAddress());
            assertTrue(bound.getPort() > 0);

            TcpSocket[] pair = connectedPair(loop, listener);
            try (TcpSocket client = pair[0]; TcpSocket server = pair[1]) {
                assertInstanceOf(NioTcpSocket.class, client);
                assertSame(client.source(), client.source());
                assertEquals(bound, client.remoteAddress());
                assertEquals(client.localAddress(), server.remoteAddress());
                assertEquals(bound, server.localAddress());
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(false);
                Backend backend = loop.backend();

                writeFully(backend, 1, client, ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)));
                ByteBuffer heap = ByteBuffer.allocate(5);
                assertEquals(5, readFully(backend, 2, server, heap));
                assertEquals("hello", text(heap));

                ByteBuffer out = ByteBuffer.allocateDirect(6).put("world!".getBytes(StandardCharsets.UTF_8)).flip();
                writeFully(backend, 2, server, out);
                ByteBuffer direct = ByteBuffer.allocateDirect(6);
                assertEquals(6, readFully(backend, 1, client, direct));
                assertEquals("world!", text(direct));

                byte[] big = new byte[1 << 20];   // more than the socket buffers: writes return 0
                for (int i = 0; i < big.length; i++) {
                    big[i] = (byte) (i * 31);
                }
                ByteBuffer received = ByteBuffer.allocateDirect(big.length);
                ByteBuffer src = ByteBuffer.wrap(big);
                backend.modify(1, -1, channel(client.source()), 0, WRITE, false);
                backend.modify(2, -1, channel(server.source()), 0, READ, false);
                while (received.hasRemaining()) {
                    client.write(src);
                    assertTrue(server.read(received) >= 0);
                    backend.poll(SECOND / 10, (slot, mask) -> { });
                }
                assertEquals(ByteBuffer.wrap(big), received.flip());
                backend.modify(1, -1, channel(client.source()), WRITE, 0, false);
                backend.modify(2, -1, channel(server.source()), READ, 0, false);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void shutdownOutputGivesThePeerEndOfStreamAndKeepsReading(String host) throws IOException {
        InetAddress address = loopback(host);
        try (Loop loop = Loop.builder().backend(new SelectorBackend()).build();
             TcpListener listener = TcpListener.listen(loop, new InetSocketAddress(address, 0), 16)) {
            TcpSocket[] pair = connectedPair(loop, listener);
            try (TcpSocket client = pair[0]; TcpSocket server = pair[1]) {
                Backend backend = loop.backend();
                writeFully(backend, 1, client, ByteBuffer.wrap("bye".getBytes(StandardCharsets.UTF_8)));
                client.shutdownOutput();
                ByteBuffer buffer = ByteBuffer.allocate(3);
                assertEquals(3, readFully(backend, 2, server, buffer));
                assertEquals(-1, readFully(backend, 2, server, ByteBuffer.allocate(1)));
                assertEquals(-1, server.read(ByteBuffer.allocate(1)), "end of stream stays");

                writeFully(backend, 2, server, ByteBuffer.wrap("ok".getBytes(StandardCharsets.UTF_8)));
                ByteBuffer reply = ByteBuffer.allocateDirect(2);
                assertEquals(2, readFully(backend, 1, client, reply));
                assertEquals("ok", text(reply));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void readReturnsZeroWhenNothingIsThereOrTheBufferIsFull(String host) throws IOException {
        InetAddress address = loopback(host);
        try (Loop loop = Loop.builder().backend(new SelectorBackend()).build();
             TcpListener listener = TcpListener.listen(loop, new InetSocketAddress(address, 0), 16)) {
            TcpSocket[] pair = connectedPair(loop, listener);
            try (TcpSocket client = pair[0]; TcpSocket server = pair[1]) {
                assertEquals(0, server.read(ByteBuffer.allocate(16)));
                assertEquals(0, server.read(ByteBuffer.allocateDirect(16)));
                assertEquals(0, client.write(ByteBuffer.allocate(0)));

                Backend backend = loop.backend();
                writeFully(backend, 1, client, ByteBuffer.wrap(new byte[] {7}));
                backend.modify(2, -1, channel(server.source()), 0, READ, false);
                await(backend, 2, READ);
                backend.modify(2, -1, channel(server.source()), READ, 0, false);
                ByteBuffer full = ByteBuffer.allocate(4).position(4);
                assertEquals(0, server.read(full));
                ByteBuffer one = ByteBuffer.allocate(4);
                assertEquals(1, server.read(one));
                assertEquals(7, one.get(0));
                assertEquals(0, server.read(one));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void aConnectToAClosedPortFailsFromFinishConnect(String host) throws IOException {
        InetAddress address = loopback(host);
        InetSocketAddress closed;
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.bind(new InetSocketAddress(address, 0));
            closed = (InetSocketAddress) probe.getLocalAddress();
        }
        try (Loop loop = Loop.builder().backend(new SelectorBackend()).build()) {
            TcpSocket socket;
            try {
                socket = TcpSocket.connect(loop, closed);
            } catch (IOException refusedAtOnce) {
                return;   // allowed: some systems refuse a loopback connect synchronously
            }
            try (socket) {
                Backend backend = loop.backend();
                backend.modify(1, -1, channel(socket.source()), 0, WRITE, false);
                await(backend, 1, WRITE);
                assertThrows(IOException.class, socket::finishConnect);
                backend.modify(1, -1, channel(socket.source()), WRITE, 0, false);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void acceptReturnsNullWhenNothingWaits(String host) throws IOException {
        InetAddress address = loopback(host);
        try (Loop loop = Loop.builder().backend(new SelectorBackend()).build();
             TcpListener listener = TcpListener.listen(loop, new InetSocketAddress(address, 0), 16)) {
            assertNull(listener.accept());
            assertNull(listener.accept());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void closeIsIdempotent(String host) throws IOException {
        InetAddress address = loopback(host);
        try (Loop loop = Loop.builder().backend(new SelectorBackend()).build()) {
            TcpListener listener = TcpListener.listen(loop, new InetSocketAddress(address, 0), 16);
            TcpSocket[] pair;
            try {
                pair = connectedPair(loop, listener);
            } finally {
                listener.close();
            }
            assertFalse(listener.isOpen());
            listener.close();
            for (TcpSocket socket : pair) {
                assertTrue(socket.isOpen());
                socket.close();
                socket.close();
                assertFalse(socket.isOpen());
                assertThrows(IOException.class, () -> socket.read(ByteBuffer.allocate(1)));
            }
            assertThrows(IOException.class, listener::accept);
        }
    }
}
