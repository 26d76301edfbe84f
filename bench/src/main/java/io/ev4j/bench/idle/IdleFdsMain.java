package io.ev4j.bench.idle;

import io.ev4j.core.Events;
import io.ev4j.core.IoWatcher;
import io.ev4j.core.Loop;
import io.ev4j.core.Watcher;
import io.ev4j.core.socket.TcpListener;
import io.ev4j.core.socket.TcpSocket;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/// Many idle fds, few active: what one loop iteration costs as the number of watched but idle
/// connections grows. The loop's cost should follow the active count, not the registered one.
///
/// ```
/// sh -c 'ulimit -n "$(ulimit -Hn)"; exec java --enable-native-access=ALL-UNNAMED -cp ev4j-bench.jar \
///     io.ev4j.bench.idle.IdleFdsMain --backends epoll,poll,nio --sizes 100,1000,10000,100000'
/// ```
///
/// For each backend and size: that many connected loopback TCP pairs, the accepted end of each
/// watched for reading by its own io watcher on one loop; per iteration, `--active` (10) pairs
/// picked at random get one byte written to their other end, then the loop runs until their
/// callbacks (which read the byte) have all run. Prints, per measurement round,
/// `idle <backend> <pairs> <usPerIteration> <loopUsPerIteration>` (the second only the
/// loop's part, without the writes), and `skip <backend> <pairs> <reason>` for a size whose
/// fds do not fit under the soft fd limit; when a size is skipped, the largest round thousand
/// that fits is run instead so the curve has a third point.
public final class IdleFdsMain {
    /// fds this JVM holds besides the pairs, with margin.
    private static final int OWN_FDS = 200;

    private IdleFdsMain() {
    }

    public static void main(String[] args) throws Exception {
        List<String> backends = List.of("epoll", "poll", "nio");
        List<Integer> sizes = List.of(100, 1000, 10_000, 100_000);
        int active = 10;
        int rounds = 3;
        long roundMs = 300;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--backends" -> backends = List.of(args[++i].split(","));
                case "--sizes" -> {
                    List<Integer> s = new ArrayList<>();
                    for (String v : args[++i].split(",")) {
                        s.add(Integer.parseInt(v));
                    }
                    sizes = s;
                }
                case "--active" -> active = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--round-ms" -> roundMs = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'; options: "
                        + "--backends a,b --sizes 100,1000 --active N --rounds N --round-ms MS");
            }
        }
        long limit = softFdLimit();
        System.out.println("limit " + limit);
        List<Integer> run = new ArrayList<>();
        List<Integer> skipped = new ArrayList<>();
        for (int size : sizes) {
            (2L * size + OWN_FDS <= limit ? run : skipped).add(size);
        }
        if (!skipped.isEmpty()) {
            long fits = (limit - OWN_FDS) / 2 / 1000 * 1000;
            if (fits > 0 && (run.isEmpty() || fits > run.get(run.size() - 1))) {
                run.add((int) fits);
            }
        }
        for (String backend : backends) {
            try {
                measure(backend, Math.min(100, sizes.get(0)), Math.min(active, sizes.get(0)), 1, 1000, false);
            } catch (IOException | RuntimeException e) {
                System.out.println("skip " + backend + " all failed: " + e.toString().replace('\n', ' '));
                continue;
            }
            for (int size : skipped) {
                System.out.println("skip " + backend + " " + size + " needs " + (2L * size + OWN_FDS)
                        + " fds, the soft limit is " + limit);
            }
            for (int size : run) {
                try {
                    measure(backend, size, Math.min(active, size), rounds, roundMs, true);
                } catch (IOException | RuntimeException e) {
                    System.out.println("skip " + backend + " " + size + " failed: " + e.toString().replace('\n', ' '));
                }
                System.out.flush();
            }
        }
    }

    private static final class Pair implements Watcher.Callback<IoWatcher> {
        static final ByteBuffer READ = ByteBuffer.allocateDirect(64);
        static int fired;
        final TcpSocket server;
        final SocketChannel client;
        IoWatcher watcher;
        /// Written to in this iteration and not read yet.
        boolean pending;

        Pair(TcpSocket server, SocketChannel client) {
            this.server = server;
            this.client = client;
        }

        @Override
        public void onEvent(IoWatcher w, int events) {
            READ.clear();
            try {
                server.read(READ);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            if (pending) {
                pending = false;
                fired++;
            }
        }
    }

    /// `print` false: a warm-up run whose figures are dropped (the first size would otherwise pay
    /// for compiling the loop's path).
    private static void measure(String backend, int size, int active, int rounds, long roundMs, boolean print)
            throws IOException {
        Pair[] pairs = new Pair[size];
        try (Loop loop = Loop.builder().backend(backend).build();
             TcpListener listener = TcpListener.listen(loop, new InetSocketAddress("127.0.0.1", 0), 4096)) {
            InetSocketAddress address = listener.localAddress();
            try {
                connect(loop, listener, address, pairs);
                ByteBuffer one = ByteBuffer.allocateDirect(1);
                long seed = 42;
                // warm-up round, then measured rounds
                for (int round = 0; round <= rounds; round++) {
                    long iterations = 0;
                    long loopNs = 0;
                    long start = System.nanoTime();
                    long end = start + (round == 0 ? Math.max(500, roundMs) : roundMs) * 1_000_000;
                    long now = start;
                    while (now < end) {
                        Pair.fired = 0;
                        int expected = 0;
                        for (int a = 0; a < active; a++) {
                            seed = seed * 6364136223846793005L + 1442695040888963407L;
                            Pair p = pairs[(int) ((seed >>> 33) % size)];
                            one.clear();
                            p.client.write(one);
                            if (!p.pending) {           // picked twice: one read takes both bytes
                                p.pending = true;
                                expected++;
                            }
                        }
                        long t0 = System.nanoTime();
                        while (Pair.fired < expected) {
                            loop.runOnce();              // until every written pair has been read
                        }
                        now = System.nanoTime();
                        loopNs += now - t0;
                        iterations++;
                    }
                    if (round > 0 && print) {
                        System.out.printf(java.util.Locale.ROOT, "idle %s %d %.3f %.3f%n", backend, size,
                                (now - start) / 1e3 / iterations, loopNs / 1e3 / iterations);
                    }
                }
            } finally {
                for (Pair p : pairs) {
                    if (p != null) {
                        if (p.watcher != null) {
                            p.watcher.stop();
                        }
                        p.server.close();
                        p.client.close();
                    }
                }
            }
        }
    }

    private static void connect(Loop loop, TcpListener listener, InetSocketAddress address, Pair[] pairs)
            throws IOException {
        int batch = 1000;
        for (int from = 0; from < pairs.length; from += batch) {
            int to = Math.min(pairs.length, from + batch);
            SocketChannel[] clients = new SocketChannel[to - from];
            for (int i = 0; i < clients.length; i++) {
                clients[i] = SocketChannel.open(address);
            }
            for (int i = 0; i < clients.length; i++) {
                TcpSocket accepted = null;
                for (int tries = 0; accepted == null; tries++) {
                    accepted = listener.accept();
                    if (accepted == null) {
                        if (tries > 10_000) {
                            throw new IOException("a connected client never showed up at accept");
                        }
                        Thread.onSpinWait();
                    }
                }
                Pair p = new Pair(accepted, clients[i]);
                pairs[from + i] = p;
                p.watcher = new IoWatcher(loop, accepted.source(), Events.READ, p);
                p.watcher.start();
            }
        }
        loop.runNoWait();                           // registers every watcher with the backend
    }

    private static long softFdLimit() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
            }
        }
        return 1024;
    }
}
