package io.ev4j.examples.echo;

import io.ev4j.core.BackendKind;
import io.ev4j.examples.ExampleJvm;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// `echo-server` in a JVM of its own whose descriptor limit is lowered (with `prlimit`) to
/// exactly what it has open while serving one client: the next client is accepted and closed
/// at once rather than left hanging, the failure is printed, and once the first client has
/// gone a new one is echoed again; SIGTERM still stops it with its usual last line.
@Timeout(60)
class EchoServerFdExhaustionTest {
    private static final Pattern LISTENING = Pattern.compile("echo-server listening on .*:(\\d+) \\((\\w+) backend\\).*");

    @ParameterizedTest
    @MethodSource("io.ev4j.examples.Backends#available")
    void outOfDescriptorsItDropsTheClientItCannotServeAndRecovers(BackendKind kind) throws Exception {
        Process p = ExampleJvm.start("echo-server", kind, "0");
        List<String> lines = new ArrayList<>();
        int served = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            int port = Integer.parseInt(ExampleJvm.expectLine(out, lines, LISTENING).group(1));

            try (Socket held = new Socket(InetAddress.getLoopbackAddress(), port)) {
                assertEquals("held", echo(held, "held"));
                served++;
                int open = new File("/proc/" + p.pid() + "/fd").list().length;
                Process limit = new ProcessBuilder("prlimit", "--pid", Long.toString(p.pid()), "--nofile=" + open)
                        .inheritIO().start();
                assertEquals(0, limit.waitFor(), "prlimit");

                try (Socket refused = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    assertEquals(null, echo(refused, "no room"), "a client that cannot be served is closed at once");
                }
                String error = out.readLine();
                lines.add(error);
                assertTrue(error != null && error.startsWith("echo-server: accept failed: ") && error.contains("EMFILE"),
                        error);
            }

            // The held client's descriptor comes free once the server reads its end; after the
            // listener's back-off a client is served again (earlier tries may still be dropped).
            long deadline = System.nanoTime() + 20_000_000_000L;
            String back = null;
            while (back == null) {
                assertTrue(System.nanoTime() < deadline, "never served again: " + lines);
                try (Socket again = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    back = echo(again, "again");
                }
                if (back == null) {
                    lines.add(out.readLine());                 // the drop was reported
                    Thread.sleep(50);                          // the back-off is 100 ms
                }
            }
            assertEquals("again", back);
            served++;

            ExampleJvm.stopWithSigterm(p, out, lines);  // the hook stops the loop
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        assertEquals("echo-server stopped after " + served + " connections", lines.getLast(), String.join("\n", lines));
        for (String line : lines.subList(1, lines.size() - 1)) {
            assertTrue(line.startsWith("echo-server: accept failed: ") && line.contains("EMFILE"), line);
        }
    }

    /// Sends `text` and a newline and reads the echoed line back, or null when the server ends
    /// the connection first.
    private static String echo(Socket client, String text) throws IOException {
        client.setSoTimeout(10_000);
        try {
            client.getOutputStream().write((text + "\n").getBytes(StandardCharsets.US_ASCII));
            return new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
        } catch (SocketException reset) {
            return null;
        }
    }
}
