package io.ev4j.examples;

import io.ev4j.examples.child.ChildTest;
import io.ev4j.examples.echo.BufferedEchoServer;
import io.ev4j.examples.echo.EchoServer;
import io.ev4j.examples.echo.TlsEchoServer;
import io.ev4j.examples.fifo.EventReadFifo;
import io.ev4j.examples.hello.HelloWorld;
import io.ev4j.examples.seed.SeedEchoClient;
import io.ev4j.examples.seed.SeedEchoServer;
import io.ev4j.examples.signal.SignalTest;
import io.ev4j.examples.time.TimeTest;
import io.ev4j.examples.stat.WatchFile;

import java.util.LinkedHashMap;
import java.util.Map;

/// Runs one example by name: `java -jar ev4j-examples.jar <name> [--backend epoll|nio] [args]`.
/// With no name, lists them.
public final class Main {
    private Main() {
    }

    /// An example's entry point; returns the process exit code.
    @FunctionalInterface
    interface Program {
        int run(Example example) throws Exception;
    }

    private record Entry(String usage, String summary, Program program) {
    }

    private static final Map<String, Entry> EXAMPLES = new LinkedHashMap<>();

    static {
        EXAMPLES.put("seed-echo-server", new Entry("[port]",
                "accepts on port 34567, prints 'accept (ip:port)' and closes each connection", SeedEchoServer::run));
        EXAMPLES.put("seed-echo-client", new Entry("[host] [port]",
                "connects to 127.0.0.1:34567, closes once writable, breaks the loop, exits 0", SeedEchoClient::run));
        EXAMPLES.put("echo-server", new Entry("[port]",
                "echoes every byte back on port 34567; partial writes, backpressure; Ctrl-C stops it", EchoServer::run));
        EXAMPLES.put("buffered-echo-server", new Entry("[port]",
                "the echo server on buffered connections (port 34567); watermarks for backpressure", BufferedEchoServer::run));
        EXAMPLES.put("tls-echo-server", new Entry("[port] [keystore.p12 password]",
                "the buffered echo server over TLS (port 34568), self-signed certificate unless given", TlsEchoServer::run));
        EXAMPLES.put("hello-world", new Entry("[port]",
                "writes 'Hello, World!' to each client on port 9995 and closes; SIGINT exits 2 s later", HelloWorld::run));
        EXAMPLES.put("signal-test", new Entry("",
                "prints a line on each SIGINT (Ctrl-C); the second one exits 0", SignalTest::run));
        EXAMPLES.put("time-test", new Entry("[ticks]",
                "a repeating 1 s timer printing the time elapsed between ticks; stops after [ticks]", TimeTest::run));
        EXAMPLES.put("child-test", new Entry("[command]",
                "runs 'sh -c command' and prints its exit code or signal from a child watcher", ChildTest::run));
        EXAMPLES.put("event-read-fifo", new Entry("<path> [--once]",
                "makes a FIFO and prints what is written into it; native backends", EventReadFifo::run));
        EXAMPLES.put("watch-file", new Entry("<path>",
                "prints the old and new attributes whenever the path changes, including creation and deletion", WatchFile::run));
    }

    public static void main(String[] argv) throws Exception {
        if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("-h")) {
            System.out.println(list());
            return;
        }
        Entry entry = EXAMPLES.get(argv[0]);
        if (entry == null) {
            System.err.println("no example named '" + argv[0] + "'\n\n" + list());
            System.exit(2);
        }
        String[] rest = java.util.Arrays.copyOfRange(argv, 1, argv.length);
        Example example;
        try {
            example = Example.parse(rest);
        } catch (IllegalArgumentException e) {
            System.err.println(argv[0] + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        int code = entry.program.run(example);
        System.exit(code);
    }

    private static String list() {
        StringBuilder s = new StringBuilder("usage: java -jar ev4j-examples.jar <example> [--backend epoll|nio] [args]\n\nexamples:\n");
        EXAMPLES.forEach((name, e) -> s.append(String.format("  %-20s %-14s %s%n", name, e.usage, e.summary)));
        return s.toString();
    }
}
