package io.ev4j.net;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/// The distribution's `openssl s_server` or `s_client` as a peer in its own process: what it
/// prints is collected, what the test writes goes to its standard input.
final class OpensslPeer implements AutoCloseable {
    private static final Pattern ACCEPT = Pattern.compile("ACCEPT \\S*:(\\d+)");

    private final Process process;
    private final StringBuilder output = new StringBuilder(); // guarded by itself
    private final Thread reader;
    private boolean ended; // guarded by output

    private OpensslPeer(List<String> command) throws IOException {
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getErrorStream().close();           // merged, but a pipe the JDK closes only after the exit
        reader = Thread.ofPlatform().daemon().start(() -> {
            try (InputStream in = process.getInputStream()) {
                byte[] buf = new byte[4096];
                for (int n; (n = in.read(buf)) > 0; ) {
                    synchronized (output) {
                        output.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                        output.notifyAll();
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
            synchronized (output) {
                ended = true;
                output.notifyAll();
            }
        });
    }

    static Path openssl() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dir, "openssl");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        assumeTrue(false, "no openssl program on PATH");
        return null;
    }

    /// `openssl s_server` on an ephemeral port with `pem[0]` as certificate and `pem[1]` as key.
    static OpensslPeer server(Path[] pem, String... extra) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(openssl().toString(), "s_server", "-accept", "0",
                "-cert", pem[0].toString(), "-key", pem[1].toString(), "-naccept", "1"));
        cmd.addAll(List.of(extra));
        return new OpensslPeer(cmd);
    }

    /// `openssl s_client` connecting to `127.0.0.1:port`.
    static OpensslPeer client(int port, String... extra) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(openssl().toString(), "s_client",
                "-connect", "127.0.0.1:" + port));
        cmd.addAll(List.of(extra));
        return new OpensslPeer(cmd);
    }

    /// The port `s_server` listens on, once it says so.
    int awaitPort() throws InterruptedException {
        awaitOutput("ACCEPT ");
        Matcher m = ACCEPT.matcher(output());
        if (!m.find()) {
            throw new AssertionError("no port in: " + output);
        }
        return Integer.parseInt(m.group(1));
    }

    /// Waits until the output contains `text` (the test's own timeout bounds the wait).
    void awaitOutput(String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        synchronized (output) {
            while (output.indexOf(text) < 0) {
                long leftNs = deadline - System.nanoTime();
                if (leftNs <= 0) {
                    throw new AssertionError("openssl never printed \"" + text + "\"; it printed:\n" + output);
                }
                if (ended) {
                    throw new AssertionError("openssl's output ended before \"" + text + "\":\n" + output);
                }
                output.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(leftNs)));
            }
        }
    }

    String output() {
        synchronized (output) {
            return output.toString();
        }
    }

    /// Writes `text` to its standard input.
    void send(String text) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write(text.getBytes(StandardCharsets.ISO_8859_1));
        in.flush();
    }

    /// Closes its standard input (s_client then sends close_notify and exits).
    void closeInput() throws IOException {
        process.getOutputStream().close();
    }

    boolean awaitExit() throws InterruptedException {
        return process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException, IOException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        reader.join(5_000);
        process.getOutputStream().close();          // the pipes now, not when a cleaner runs
        process.getInputStream().close();
    }
}
