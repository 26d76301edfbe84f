package io.ev4j.core.socket;

import io.ev4j.core.BackendKind;
import io.ev4j.core.ErrnoException;
import io.ev4j.core.Events;
import io.ev4j.core.IoSource;
import io.ev4j.core.IoWatcher;
import io.ev4j.core.Loop;
import io.ev4j.core.sys.linux.Errno;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/// Shared steps of the socket contract tests: a loop of one backend, readiness awaited through
/// real io watchers on that loop, connected pairs, text in and out.
final class SocketFixture {
    private static final long AWAIT_NS = 5_000_000_000L;

    final Loop loop;
    private final List<AutoCloseable> tracked = new ArrayList<>();

    SocketFixture(BackendKind kind) {
        loop = Loop.builder().backend(kind).build();
    }

    /// Closes `c` in [#close()].
    <T extends AutoCloseable> T track(T c) {
        tracked.add(c);
        return c;
    }

    /// Closes what was tracked (last first), checks the loop was left empty, closes it.
    void close() throws Exception {
        for (int i = tracked.size() - 1; i >= 0; i--) {
            tracked.get(i).close();
        }
        assertEquals(0, loop.activeCount(), "watchers left active");
        loop.close();
    }

    static Stream<BackendKind> backends() {
        return Arrays.stream(BackendKind.values()).filter(BackendKind::isAvailable);
    }

    boolean isNative() {
        return loop.watchesFds();
    }

    /// Runs the loop until `source` is ready for one of `events`; returns what it got.
    int await(IoSource source, int events) {
        int[] got = new int[1];
        IoWatcher w = new IoWatcher(loop, source, events, (x, e) -> got[0] |= e);
        w.start();
        try {
            long deadline = System.nanoTime() + AWAIT_NS;
            while (got[0] == 0) {
                if (System.nanoTime() > deadline) {
                    fail(source + " not ready for " + events + " in 5 s");
                }
                loop.runOnce();
            }
        } finally {
            w.stop();
        }
        return got[0];
    }

    TcpListener listen(String host, SocketOptions options) throws IOException {
        try {
            return TcpListener.listen(loop, new InetSocketAddress(InetAddress.getByName(host), 0), 16, options);
        } catch (ErrnoException e) {
            if (host.contains(":") && (e.errno() == Errno.EADDRNOTAVAIL || e.errno() == Errno.EAFNOSUPPORT)) {
                abort("no IPv6 loopback here: " + e.getMessage());
            }
            throw e;
        }
    }

    /// Connects a client and completes the connect.
    <S extends StreamSocket> S connected(S client) throws IOException {
        while (!client.finishConnect()) {
            await(client.source(), Events.WRITE);
        }
        return client;
    }

    <S extends StreamSocket> S accepted(StreamListener listener) throws IOException {
        await(listener.source(), Events.READ);
        @SuppressWarnings("unchecked")
        S s = (S) listener.accept();
        assertNotNull(s, "a connection waits");
        return s;
    }

    static void writeAll(StreamSocket s, String text) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            assertTrue(s.write(b) > 0, "loopback send buffer has room");
        }
    }

    /// Reads until `bytes` bytes or end of stream, awaiting readiness: the text read.
    String read(StreamSocket s, int bytes) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(bytes);
        while (b.hasRemaining()) {
            int n = s.read(b);
            if (n < 0) {
                break;
            }
            if (n == 0) {
                await(s.source(), Events.READ);
            }
        }
        return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
    }

    /// Awaits readability and reads once: the count (`-1` at end of stream).
    int readOnce(StreamSocket s) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(256);
        for (;;) {
            int n = s.read(b);
            if (n != 0) {
                return n;
            }
            await(s.source(), Events.READ);
        }
    }
}
