package io.ev4j.bench.echo;

/// One echo server of the comparison, running on its own loop thread.
///
/// ```java
/// EchoServer server = EchoServer.start("ev4j-epoll", 0);
/// int port = server.port();
/// ```
interface EchoServer {
    /// The implementations [#start] knows, in the order the comparison runs them.
    String[] IMPLS = {"ev4j-epoll", "ev4j-poll", "ev4j-nio", "ev4j-buffered-epoll", "ev4j-buffered-poll",
        "ev4j-buffered-nio", "netty-epoll", "netty-nio"};

    /// The port it listens on (127.0.0.1).
    int port();

    /// The id of the one thread that does all the work, for per-thread CPU time.
    long loopThreadId();

    /// A short human name of what runs.
    String describe();

    /// Starts `impl` (one of [#IMPLS]) on 127.0.0.1:`port`, 0 for an ephemeral port.
    static EchoServer start(String impl, int port) throws Exception {
        return switch (impl) {
            case "ev4j-epoll" -> Ev4jEchoServer.start("epoll", port);
            case "ev4j-poll" -> Ev4jEchoServer.start("poll", port);
            case "ev4j-nio" -> Ev4jEchoServer.start("nio", port);
            case "ev4j-buffered-epoll" -> BufferedEchoServer.start("epoll", port);
            case "ev4j-buffered-poll" -> BufferedEchoServer.start("poll", port);
            case "ev4j-buffered-nio" -> BufferedEchoServer.start("nio", port);
            case "netty-epoll" -> NettyEchoServer.start(true, port);
            case "netty-nio" -> NettyEchoServer.start(false, port);
            default -> throw new IllegalArgumentException("unknown --impl '" + impl + "'; one of "
                    + String.join(", ", IMPLS));
        };
    }
}
