package io.ev4j.net;

import io.ev4j.core.BackendKind;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/// A [Listener] in a process out of descriptors: [EmfileProbe] runs in its own JVM under
/// `ulimit -n 64`, takes every descriptor, and this test connects to it. Each connection that
/// cannot be accepted is dropped (the client sees it end), reported as `EMFILE`, and followed
/// by a back-off, never a spin; once descriptors are free again the next client is served,
/// and the probe ends with as many descriptors open as it started with.
@Timeout(60)
class ListenerFdExhaustionTest {
    private static final int BACKOFF_MS = 50;

    static Stream<BackendKind> backends() {
        return Stream.of(BackendKind.values()).filter(BackendKind::isAvailable);
    }

    private static Process startProbe(BackendKind kind) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process probe = new ProcessBuilder("sh", "-c", "ulimit -n 64 && exec \"$@\"", "sh",
                java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                EmfileProbe.class.getName(), kind.backendName())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true).start();
        probe.getErrorStream().close();             // merged, but a pipe the JDK closes only after the exit
        return probe;
    }

    private static String expect(BufferedReader out, String prefix, List<String> seen) throws IOException {
        for (String line; (line = out.readLine()) != null; ) {
            seen.add(line);
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        fail("probe ended before '" + prefix + "'; it said " + seen);
        return null;
    }

    /// True once the server has ended the connection (end of stream or reset).
    private static boolean endedByPeer(Socket client) throws IOException {
        client.setSoTimeout(5_000);
        try (InputStream in = client.getInputStream()) {
            return in.read() == -1;
        } catch (SocketException reset) {
            return true;
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void outOfDescriptorsTheListenerDropsBacksOffAndRecovers(BackendKind kind) throws Exception {
        Process probe = startProbe(kind);
        List<String> seen = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(probe.getInputStream(),
                StandardCharsets.UTF_8))) {
            int port = Integer.parseInt(expect(out, "port ", seen).substring(5));
            String exhausted = expect(out, "exhausted ", seen);
            assertTrue(Integer.parseInt(exhausted.substring(10)) > 0, exhausted);

            List<Socket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    clients.add(new Socket(InetAddress.getLoopbackAddress(), port));
                }
                for (Socket c : clients) {
                    assertTrue(endedByPeer(c), "a connection that could not be accepted is closed, not left waiting");
                }
            } finally {
                for (Socket c : clients) {
                    c.close();
                }
            }
            for (int i = 0; i < 3; i++) {
                String[] error = expect(out, "error ", seen).split(" ");
                assertEquals("EMFILE", error[1], String.join(" ", error));
                if (i > 0) {
                    assertTrue(Long.parseLong(error[2]) >= BACKOFF_MS - 5,
                            "accepting paused for the back-off between failures: " + seen);
                }
            }
            expect(out, "released", seen);

            try (Socket served = new Socket(InetAddress.getLoopbackAddress(), port)) {
                served.setSoTimeout(5_000);
                byte[] hi = served.getInputStream().readNBytes(3);
                assertEquals("hi\n", new String(hi, StandardCharsets.US_ASCII));
            }
            expect(out, "accepted", seen);
            assertEquals("dropped 3", expect(out, "dropped ", seen));
            String[] fds = expect(out, "fds ", seen).split(" ");
            assertEquals(fds[1], fds[2], "descriptors open before and after: " + seen);
            assertTrue(probe.waitFor(10, TimeUnit.SECONDS), "probe exits");
            assertEquals(0, probe.exitValue(), "probe exit status; it said " + seen);
        } finally {
            probe.destroyForcibly();
            probe.waitFor(10, TimeUnit.SECONDS);
        }
        assertNotNull(seen);
    }
}
