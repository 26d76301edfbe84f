package io.ev4j.net;

import com.sun.management.ThreadMXBean;
import io.ev4j.core.BackendKind;
import io.ev4j.core.Loop;
import io.ev4j.net.buffer.SegmentPool;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// The hot path (read into the input, callback, write from the output) allocates nothing per
/// message once compiled: an echo round trip over loopback TCP, both ends on one loop.
@Timeout(120)
@EnabledOnOs(OS.LINUX)
class ConnectionAllocationTest {
    private static final int ROUND_TRIPS = 1000;
    private static final int MESSAGE = 64;

    static java.util.stream.Stream<BackendKind> backends() {
        return NetTesting.backends();
    }

    /// Measured in a JVM of its own without `-ea`: under assertions the loop checks its
    /// invariants after every iteration, and that check allocates.
    @ParameterizedTest
    @MethodSource("backends")
    void anEchoRoundTripAllocatesNothingOnceCompiled(BackendKind kind) throws Exception {
        // On nio a read asks for one chunk, so that it is a single-buffer channel read: the
        // JDK's scattering read of memory-segment buffers allocates two small releaser objects
        // per buffer (it cost about 320 bytes per round trip, measured with JFR). What is left
        // there is under 1 byte per round trip (the selector's own, 744-992 per 1000 measured);
        // the bound sits well below the old cost.
        long bound = kind == BackendKind.NIO ? 4L * ROUND_TRIPS : 1024;
        Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                ConnectionAllocationTest.class.getName(), kind.backendName(), Long.toString(bound))
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        p.getErrorStream().close();                  // merged, but a pipe the JDK closes only after the exit
        String out;
        try (var in = p.getInputStream()) {          // closed here: else the JDK's reaper closes it later, in another test
            out = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        }
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        System.out.println(kind.backendName() + ": " + out);
        long least = Long.parseLong(out.substring(out.lastIndexOf(' ') + 1));
        assertTrue(least < bound, ROUND_TRIPS + " round trips allocated at least " + least + " bytes");
    }

    /// The measurement, in rounds until one allocates less than `args[1]` bytes: prints `least allocated per ROUND_TRIPS round trips: <bytes>`.
    public static void main(String[] args) throws Exception {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        if (!threads.isThreadAllocatedMemorySupported()) {
            System.out.println("least allocated: 0");
            return;
        }
        long bound = Long.parseLong(args[1]);
        int fdsBefore = OpenFds.count();
        SegmentPool pool = new SegmentPool();
        long least = Long.MAX_VALUE;
        try (Loop loop = NetTesting.loop(BackendKind.named(args[0]))) {
            var cs = NetTesting.connect(loop, pool);
            BufferedConnection server = cs.server();
            BufferedConnection client = cs.client();
            server.setCallbacks(c -> c.output().append(c.input()), null, null);
            server.enableReading();
            client.enableReading();
            byte[] message = new byte[MESSAGE];
            for (int round = 0; round < 300 && least >= bound; round++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < ROUND_TRIPS; i++) {
                    client.output().append(message);
                    while (client.input().length() < MESSAGE) {
                        loop.runOnce();
                    }
                    client.input().drain(MESSAGE);
                }
                least = Math.min(least, threads.getCurrentThreadAllocatedBytes() - before);
            }
            cs.closeBoth();
            if (loop.run(Loop.RunMode.NOWAIT)) {
                throw new AssertionError("watchers left active");
            }
        }
        NetTesting.closePool(pool);
        if (fdsBefore != OpenFds.count()) {
            throw new AssertionError("fds leaked");
        }
        System.out.println("least allocated per " + ROUND_TRIPS + " round trips: " + least);
    }
}
