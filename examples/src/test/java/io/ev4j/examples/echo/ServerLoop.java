package io.ev4j.examples.echo;

import io.ev4j.core.Loop;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/// A server's loop run on a thread of its own until the server is closed; then the number of
/// connections it accepted, or what the loop threw.
final class ServerLoop {
    private final Loop loop;
    private final Thread thread;
    private final CompletableFuture<Long> served = new CompletableFuture<>();

    ServerLoop(Loop loop, LongSupplier acceptedCount, String name) {
        this.loop = loop;
        this.thread = new Thread(() -> {
            try {
                loop.run();
                served.complete(acceptedCount.getAsLong());
            } catch (Throwable t) {
                served.completeExceptionally(t);
            } finally {
                loop.close();
            }
        }, name);
        thread.start();
    }

    /// Runs `close` (the server's) on the loop thread and waits for the loop to end.
    void stop(Runnable close) throws InterruptedException {
        loop.execute(close);
        thread.join(TimeUnit.SECONDS.toMillis(20));
    }

    /// Connections accepted, once the loop has ended.
    long accepted() throws Exception {
        return served.get(5, TimeUnit.SECONDS);
    }
}
