package io.ev4j.core.socket;

import io.ev4j.core.BackendKind;
import io.ev4j.core.Events;
import io.ev4j.core.IoSource;
import io.ev4j.core.IoWatcher;
import io.ev4j.core.Loop;
import io.ev4j.core.TimerWatcher;
import io.ev4j.core.sys.linux.AllocatedBytes;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/// The measurement of [NativeTcpSocketTest#readAndWriteAllocateNothingOnceCompiled], run in
/// a JVM of its own: whether the JIT removes the downcalls' errno-capture slices depends on
/// what else the JVM has run and compiled, so the test's JVM, after hundreds of other tests,
/// is no place to measure. Prints `direct <bytes> heap <bytes>`: the least any round of
/// [#EXCHANGES] exchanges allocated, for direct and for heap buffers.
public final class SocketExchangeAllocation {
    /// Exchanges (a write on one end, a read on the other) per round.
    static final int EXCHANGES = 5_000;
    private static final Duration BUDGET = Duration.ofSeconds(20);

    private SocketExchangeAllocation() {
    }

    public static void main(String[] args) throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        long fdsBefore = socketAndEpollFds();
        long direct;
        long heap;
        try (Loop loop = Loop.builder().backend(BackendKind.EPOLL).build();
             TcpListener listener = TcpListener.listen(loop, new InetSocketAddress(loopback, 0), 4);
             TcpSocket client = TcpSocket.connect(loop, listener.localAddress());
             TcpSocket server = accept(loop, listener)) {
            finishConnect(loop, client);
            ByteBuffer directOut = ByteBuffer.allocateDirect(8);
            ByteBuffer directIn = ByteBuffer.allocateDirect(64);
            direct = AllocatedBytes.steadyState(BUDGET, EXCHANGES, () -> {
                client.write(directOut.clear());
                server.read(directIn.clear());
            });
            ByteBuffer heapOut = ByteBuffer.allocate(8);
            ByteBuffer heapIn = ByteBuffer.allocate(64);
            heap = AllocatedBytes.steadyState(BUDGET, EXCHANGES, () -> {
                server.write(heapOut.clear());
                client.read(heapIn.clear());
            });
        }
        if (socketAndEpollFds() != fdsBefore) {
            throw new AssertionError("fds leaked: " + fdsBefore + " sockets and epoll fds before, "
                    + socketAndEpollFds() + " after");
        }
        System.out.println("direct " + direct + " heap " + heap);
    }

    /// Only what this measurement opens: class loading opens jars on the class path as it goes.
    private static long socketAndEpollFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    return target.startsWith("socket:") || target.startsWith("anon_inode:");
                } catch (IOException e) {
                    return false;               // the fd of the listing itself, closed since
                }
            }).count();
        }
    }

    private static TcpSocket accept(Loop loop, TcpListener listener) throws IOException {
        await(loop, listener.source(), Events.READ);
        TcpSocket s = listener.accept();
        if (s == null) {
            throw new AssertionError("the listener was readable, but accept() found nothing");
        }
        return s;
    }

    private static void finishConnect(Loop loop, TcpSocket client) throws IOException {
        await(loop, client.source(), Events.WRITE);
        if (!client.finishConnect()) {
            throw new AssertionError("connect not finished once writable");
        }
    }

    /// Runs `loop` until `source` is ready for `events`, at most 5 s.
    private static void await(Loop loop, IoSource source, int events) {
        boolean[] ready = {false};
        IoWatcher io = new IoWatcher(loop, source, events, (w, e) -> {
            ready[0] = true;
            w.stop();
        });
        TimerWatcher guard = new TimerWatcher(loop, (w, e) -> io.stop());
        io.start();
        guard.start(Duration.ofSeconds(5), Duration.ZERO);
        while (io.isActive()) {
            loop.runOnce();
        }
        guard.stop();
        if (!ready[0]) {
            throw new AssertionError(source + " not ready for " + Events.toString(events) + " within 5 s");
        }
    }
}
