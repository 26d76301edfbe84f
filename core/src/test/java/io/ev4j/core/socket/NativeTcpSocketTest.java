package io.ev4j.core.socket;

import io.ev4j.core.ErrnoException;
import io.ev4j.core.IoSource;
import io.ev4j.core.Loop;
import io.ev4j.core.backend.epoll.EpollBackend;
import io.ev4j.core.sys.linux.Errno;
import io.ev4j.core.sys.linux.OpenFds;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static io.ev4j.core.backend.Backend.READ;
import static io.ev4j.core.backend.Backend.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/// Native sockets on loopback, readiness driven by [EpollBackend#poll] directly.
@Timeout(20)
@EnabledOnOs(OS.LINUX)
class NativeTcpSocketTest {
    private static final long MS = 1_000_000L;
    private long fdsBefore;
    private EpollBackend epoll;
    private Loop loop;

    @BeforeAll
    static void warmUp() throws IOException {
        InetAddress.getByName("::1"); // the JDK's own first-use set-up opens and closes fds
        InetAddress.getByName("127.0.0.1");
    }

    @BeforeEach
    void open() throws IOException {
        fdsBefore = OpenFds.count();
        epoll = new EpollBackend();
        loop = Loop.builder().backend(epoll).build();
    }

    @AfterEach
    void allClosed() {
        loop.close();
        assertEquals(fdsBefore, OpenFds.count(), "open fds");
    }

    /// Polls until `source` is ready for `mask`, at most 5 s.
    private void await(IoSource source, int mask) throws IOException {
        int fd = ((IoSource.Fd) source).fd();
        epoll.modify(fd, fd, null, 0, mask, false);
        try {
            long deadline = System.nanoTime() + 5_000 * MS;
            int[] got = new int[1];
            while ((got[0] & mask) == 0) {
                if (System.nanoTime() > deadline) {
                    fail("fd " + fd + " not ready for " + mask);
                }
                epoll.poll(100 * MS, (slot, m) -> got[0] |= slot == fd ? m : 0);
            }
        } finally {
            epoll.modify(fd, fd, null, mask, 0, false);
        }
    }

    private TcpListener listen(String host) throws IOException {
        try {
            return TcpListener.listen(loop, new InetSocketAddress(InetAddress.getByName(host), 0), 16);
        } catch (ErrnoException e) {
            if (host.contains(":") && (e.errno() == Errno.EADDRNOTAVAIL || e.errno() == Errno.EAFNOSUPPORT)) {
                abort("no IPv6 loopback here: " + e.getMessage());
            }
            throw e;
        }
    }

    private TcpSocket connected(TcpListener listener) throws IOException {
        TcpSocket client = TcpSocket.connect(loop, listener.localAddress());
        await(client.source(), WRITE);
        assertTrue(client.finishConnect());
        return client;
    }

    private TcpSocket accepted(TcpListener listener) throws IOException {
        await(listener.source(), READ);
        TcpSocket server = listener.accept();
        assertNotNull(server);
        return server;
    }

    private static ByteBuffer direct(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    }

    private static String text(ByteBuffer b) {
        b.flip();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        b.clear();
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void connectAcceptAndExchangeBothWays(String host) throws IOException {
        try (TcpListener listener = listen(host)) {
            InetSocketAddress local = listener.localAddress();
            assertTrue(local.getPort() > 0);
            assertEquals(InetAddress.getByName(host), local.getAddress());
            assertInstanceOf(NativeTcpListener.class, listener);
            assertNull(listener.accept(), "nothing waits yet");
            try (TcpSocket client = connected(listener); TcpSocket server = accepted(listener)) {
                assertInstanceOf(NativeTcpSocket.class, client);
                assertEquals(client.localAddress(), server.remoteAddress());
                assertEquals(local, client.remoteAddress());
                assertEquals(local, server.localAddress());
                client.setTcpNoDelay(true);
                assertNull(listener.accept());

                ByteBuffer in = ByteBuffer.allocateDirect(64);
                assertEquals(0, server.read(in), "nothing to read yet");

                ByteBuffer out = direct("hello, world");
                out.position(7); // from a non-zero position
                assertEquals(5, client.write(out));
                assertEquals(out.limit(), out.position());
                await(server.source(), READ);
                assertEquals(5, server.read(in));
                assertEquals("world", text(in));
                out.position(0).limit(5); // same buffer again: cached address
                assertEquals(5, client.write(out));
                await(server.source(), READ);
                assertEquals(5, server.read(in));
                assertEquals("hello", text(in));

                ByteBuffer heapOut = ByteBuffer.wrap("..reply".getBytes(StandardCharsets.UTF_8)).position(2);
                assertEquals(5, server.write(heapOut));
                ByteBuffer heapIn = ByteBuffer.allocate(64).position(3);
                await(client.source(), READ);
                assertEquals(5, client.read(heapIn));
                assertEquals(8, heapIn.position());
                assertEquals("reply", new String(heapIn.array(), 3, 5, StandardCharsets.UTF_8));

                ByteBuffer readOnly = ByteBuffer.wrap("ro".getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer();
                assertEquals(2, client.write(readOnly));
                await(server.source(), READ);
                ByteBuffer small = ByteBuffer.allocate(1);
                assertEquals(1, server.read(small));
                assertEquals(0, server.read(small), "dst full");
                assertEquals(1, server.read(small.clear()));
                assertThrows(IllegalArgumentException.class, () -> server.read(readOnly));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void endOfStreamAfterShutdownOutput(String host) throws IOException {
        try (TcpListener listener = listen(host);
             TcpSocket client = connected(listener);
             TcpSocket server = accepted(listener)) {
            client.shutdownOutput();
            await(server.source(), READ);
            ByteBuffer in = ByteBuffer.allocateDirect(16);
            assertEquals(-1, server.read(in));
            assertEquals(3, server.write(direct("bye")), "the other direction stays open");
            await(client.source(), READ);
            assertEquals(3, client.read(in));
            assertEquals("bye", text(in));
        }
    }

    @Test
    void largeHeapWritesGoThroughTheScratchInChunks() throws IOException {
        try (TcpListener listener = listen("127.0.0.1");
             TcpSocket client = connected(listener);
             TcpSocket server = accepted(listener)) {
            byte[] data = new byte[200_000];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (i * 31);
            }
            ByteBuffer src = ByteBuffer.wrap(data);
            ByteBuffer dst = ByteBuffer.allocate(data.length);
            while (dst.hasRemaining()) {
                int n = client.write(src);
                assertTrue(n >= 0 && n <= 64 * 1024, "wrote " + n);
                if (server.read(dst) == 0 && n == 0) {
                    await(server.source(), READ);
                }
            }
            assertEquals(ByteBuffer.wrap(data), dst.flip());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void connectToAClosedPortIsRefusedByFinishConnect(String host) throws IOException {
        InetSocketAddress closed;
        try (TcpListener listener = listen(host)) {
            closed = listener.localAddress();
        }
        try (TcpSocket client = TcpSocket.connect(loop, closed)) {
            await(client.source(), WRITE);
            ErrnoException e = assertThrows(ErrnoException.class, client::finishConnect);
            assertEquals("ECONNREFUSED", e.errnoName());
            assertEquals("connect", e.call());
            assertTrue(e.getMessage().contains(String.valueOf(closed.getPort())), e.getMessage());
        }
    }

    @Test
    void finishConnectBeforeTheConnectEndsIsFalseOrTrue() throws IOException {
        try (TcpListener listener = listen("127.0.0.1");
             TcpSocket client = TcpSocket.connect(loop, listener.localAddress())) {
            client.finishConnect(); // either answer is right this early; it must not throw
            await(client.source(), WRITE);
            assertTrue(client.finishConnect());
            assertTrue(client.finishConnect());
            listener.accept().close();
        }
    }

    /// Measured in a JVM of its own ([SocketExchangeAllocation]); see there why.
    @Test
    @Timeout(90)
    void readAndWriteAllocateNothingOnceCompiled() throws Exception {
        Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                SocketExchangeAllocation.class.getName())
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        p.getErrorStream().close();                  // merged, but a pipe the JDK closes only after the exit
        try {
            String out;
            try (var in = p.getInputStream()) {      // read to the end and closed here: else the JDK's reaper
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();   // closes it later, in another test
            }
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the measuring JVM did not end");
            assertEquals(0, p.exitValue(), out);
            String[] words = out.substring(out.lastIndexOf("direct ")).split(" ");
            long direct = Long.parseLong(words[1]);
            long heap = Long.parseLong(words[3]);
            int n = SocketExchangeAllocation.EXCHANGES;
            assertTrue(direct < 1024, n + " direct exchanges allocated at least " + direct + " bytes (" + out + ")");
            assertTrue(heap < 1024, n + " heap exchanges allocated at least " + heap + " bytes (" + out + ")");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void bindingABusyPortFails() throws IOException {
        try (TcpListener first = listen("127.0.0.1")) {
            ErrnoException e = assertThrows(ErrnoException.class,
                    () -> TcpListener.listen(loop, first.localAddress(), 4));
            assertEquals("bind", e.call());
            assertEquals("EADDRINUSE", e.errnoName());
        }
    }

    @Test
    void closeIsIdempotentAndLaterCallsFail() throws IOException {
        TcpListener listener = listen("127.0.0.1");
        TcpSocket client = connected(listener);
        TcpSocket server = accepted(listener);
        for (AutoCloseable c : new AutoCloseable[] {client, server, listener}) {
            try {
                c.close();
                c.close();
            } catch (Exception e) {
                fail(e);
            }
        }
        assertFalse(client.isOpen());
        assertFalse(listener.isOpen());
        assertThrows(ClosedChannelException.class, () -> client.read(ByteBuffer.allocate(1)));
        assertThrows(ClosedChannelException.class, () -> client.write(ByteBuffer.allocate(1)));
        assertThrows(ClosedChannelException.class, client::finishConnect);
        assertThrows(ClosedChannelException.class, listener::accept);
    }

    @Test
    void writeToAPeerThatWentAwayFailsWithoutSignal() throws IOException {
        try (TcpListener listener = listen("127.0.0.1");
             TcpSocket client = connected(listener)) {
            accepted(listener).close();
            ByteBuffer chunk = ByteBuffer.allocateDirect(4096);
            IOException failure = null;
            for (int i = 0; i < 1000 && failure == null; i++) {
                try {
                    client.write(chunk.clear());
                    await(client.source(), WRITE);
                } catch (ErrnoException e) {
                    failure = e;
                }
            }
            assertNotNull(failure, "writes to a closed peer kept succeeding");
            String name = ((ErrnoException) failure).errnoName();
            assertTrue(name.equals("EPIPE") || name.equals("ECONNRESET"), name);
        }
    }
}
