package io.ev4j.bench.echo;

import io.ev4j.core.Loop;

import java.util.concurrent.CompletableFuture;

/// An ev4j echo server running on one loop thread of its own: what [Ev4jEchoServer] and
/// [BufferedEchoServer] share.
///
/// ```java
/// EchoServer server = LoopEchoServer.start("epoll", "ev4j-echo-loop", "ev4j", loop -> listenOn(loop, 0));
/// ```
record LoopEchoServer(Loop loop, Thread thread, int port, String name) implements EchoServer {

    /// Sets up listening on the loop thread before the loop runs.
    @FunctionalInterface
    interface Setup {
        /// Starts listening on `loop` (the calling thread runs it); returns the bound port.
        int listen(Loop loop) throws Exception;
    }

    /// Starts a loop on `backend` (`epoll`, `poll`, `nio`) on a new thread named `threadName`,
    /// runs `setup` there and then the loop; returns once `setup` returned (or rethrows what it
    /// threw).
    static EchoServer start(String backend, String threadName, String name, Setup setup) throws Exception {
        CompletableFuture<EchoServer> started = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try (Loop loop = Loop.builder().backend(backend).build()) {
                int port = setup.listen(loop);
                started.complete(new LoopEchoServer(loop, Thread.currentThread(), port, name));
                loop.run();
            } catch (Throwable e) {
                if (!started.completeExceptionally(e)) {
                    e.printStackTrace();
                }
            }
        }, threadName);
        thread.start();
        return started.get();
    }

    @Override
    public long loopThreadId() {
        return thread.threadId();
    }

    @Override
    public String describe() {
        return name + " " + loop.backendName();
    }
}
