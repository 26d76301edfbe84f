package io.ev4j.bench.echo;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

/// Runs one echo server in this JVM and answers control lines on stdin.
///
/// ```
/// java --enable-native-access=ALL-UNNAMED -cp ev4j-bench.jar io.ev4j.bench.echo.EchoServerMain --impl ev4j-epoll --port 0
/// ```
///
/// Prints `listening <port> <description>` once it accepts. Then, per line on stdin:
/// - `stats` -> `stats <allocatedBytes> <loopThreadCpuNs>`: bytes allocated by all Java
///   threads so far (read first, so that answering allocates outside the figure as far as it
///   can), and the CPU time of the loop thread alone. The process's CPU time is read from
///   outside (`/proc/<pid>/task/*/schedstat`), so that asking costs the server nothing;
/// - `threads` -> `thread <allocatedBytes> <cpuNs> <name>` per live thread, then `end`
///   (to find which thread allocates or burns time);
/// - `quit`, or the end of stdin -> exits.
public final class EchoServerMain {
    private EchoServerMain() {
    }

    public static void main(String[] args) throws Exception {
        String impl = "ev4j-epoll";
        int port = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--impl" -> impl = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument '" + args[i]
                        + "'; usage: --impl " + String.join("|", EchoServer.IMPLS) + " --port N");
            }
        }
        EchoServer server = EchoServer.start(impl, port);
        System.out.println("listening " + server.port() + " " + server.describe());
        System.out.flush();
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            switch (line.trim()) {
                case "stats" -> {
                    long allocatedBytes = threads.getTotalThreadAllocatedBytes();
                    long loopCpuNs = threads.getThreadCpuTime(server.loopThreadId());
                    System.out.println("stats " + allocatedBytes + " " + loopCpuNs);
                }
                case "threads" -> {
                    for (long id : threads.getAllThreadIds()) {
                        var info = threads.getThreadInfo(id);
                        if (info != null) {
                            System.out.println("thread " + threads.getThreadAllocatedBytes(id) + " "
                                    + threads.getThreadCpuTime(id) + " " + info.getThreadName().replace(' ', '_'));
                        }
                    }
                    System.out.println("end");
                }
                case "quit" -> Runtime.getRuntime().halt(0);
                case "" -> { }
                default -> System.out.println("error unknown command '" + line + "'");
            }
            System.out.flush();
        }
        Runtime.getRuntime().halt(0);
    }
}
