package io.ev4j.examples.hello;

import io.ev4j.core.BackendKind;
import io.ev4j.core.Loop;
import io.ev4j.examples.ExampleJvm;
import io.ev4j.examples.OpenFds;
import io.ev4j.net.BufferedConnection;
import io.ev4j.net.ConnectionEvents;
import io.ev4j.net.buffer.SegmentPool;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// `hello-world` in process (buffered clients on the same loop; every watcher, segment and fd
/// given back) and in a JVM of its own on an ephemeral port: several clients each read exactly
/// the greeting and then end of stream; a real `SIGINT` prints the notice, and the program
/// exits 0 two seconds later.
@Timeout(60)
class HelloWorldTest {
    private static final int CLIENTS = 5;
    private static final Pattern LISTENING =
            Pattern.compile("hello-world listening on .*:(\\d+) \\((\\w+) backend\\); pid (\\d+); Ctrl-C stops it");

    @ParameterizedTest
    @MethodSource("io.ev4j.examples.Backends#available")
    void inProcessEveryClientReadsTheGreetingThenEndOfStreamAndNothingIsLeftOpen(BackendKind kind) throws Exception {
        int fdsBefore = OpenFds.count();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<String> received = new ArrayList<>();
        try (Loop loop = Loop.builder().backend(kind).build(); SegmentPool pool = new SegmentPool()) {
            HelloWorld hello = HelloWorld.start(loop, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    new PrintStream(printed, true, StandardCharsets.UTF_8));
            for (int i = 0; i < CLIENTS; i++) {
                StringBuilder text = new StringBuilder();
                BufferedConnection client = BufferedConnection.connect(loop, pool, hello.localAddress());
                client.setCallbacks(c -> {
                    byte[] b = new byte[(int) c.input().length()];
                    c.input().read(b, 0, b.length);
                    text.append(new String(b, StandardCharsets.US_ASCII));
                }, null, (c, events) -> {
                    if (events == ConnectionEvents.CONNECTED) {
                        c.enableReading();
                        return;
                    }
                    received.add(ConnectionEvents.toString(events) + " after " + text);
                    c.close();
                });
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (received.size() < CLIENTS) {        // the SIGINT watcher keeps the loop alive
                assertTrue(System.nanoTime() < deadline, "clients done: " + received);
                loop.runOnce();
            }
            hello.close();
            assertEquals(0, loop.activeCount(), "the example stopped every watcher");
            assertEquals(0, pool.outstanding());
            assertEquals(CLIENTS, hello.greetedCount());
        }
        assertEquals(Collections.nCopies(CLIENTS, "READING|EOF after " + HelloWorld.MESSAGE), received);
        assertEquals("flushed answer\n".repeat(CLIENTS), printed.toString(StandardCharsets.UTF_8));
        assertEquals(fdsBefore, OpenFds.count(), "every fd opened by the test is closed");
    }

    @ParameterizedTest
    @MethodSource("io.ev4j.examples.Backends#available")
    void greetsEachClientThenClosesAndExitsZeroTwoSecondsAfterSigint(BackendKind kind) throws Exception {
        Process p = ExampleJvm.start("hello-world", kind, "0");
        List<String> lines = new ArrayList<>();
        long interruptedNs;
        long exitedNs;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            Matcher m = ExampleJvm.expectLine(out, lines, LISTENING);
            String first = lines.getFirst();
            assertEquals(kind.backendName(), m.group(2));
            assertEquals(p.pid(), Long.parseLong(m.group(3)));
            int port = Integer.parseInt(m.group(1));
            assertTrue(port > 0, first);

            for (int i = 0; i < CLIENTS; i++) {
                try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    client.setSoTimeout(10_000);
                    assertEquals(HelloWorld.MESSAGE, readToEnd(client.getInputStream()), "client " + i);
                }
                assertEquals("flushed answer", out.readLine(), "after client " + i);
            }

            interruptedNs = System.nanoTime();
            ExampleJvm.interrupt(p);
            assertEquals("Caught an interrupt signal; exiting cleanly in two seconds.", out.readLine());
            assertTrue(p.isAlive(), "still running right after SIGINT");
            for (String line; (line = out.readLine()) != null; ) {
                lines.add(line);
            }
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "exits after SIGINT");
            exitedNs = System.nanoTime();
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        assertEquals(0, p.exitValue(), String.join("\n", lines));
        assertEquals(List.of(lines.getFirst(), "done"), lines, "nothing else printed");
        long tookMs = (exitedNs - interruptedNs) / 1_000_000;
        assertTrue(tookMs >= 1500, "exited " + tookMs + " ms after SIGINT, expected about 2000");
    }

    /// Everything the server sends until it closes (the socket's timeout bounds a stall).
    private static String readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        return all.toString(StandardCharsets.US_ASCII);
    }
}
