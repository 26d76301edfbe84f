package io.ev4j.examples.echo;

import io.ev4j.core.Events;
import io.ev4j.core.IoWatcher;
import io.ev4j.core.Loop;
import io.ev4j.core.socket.TcpListener;
import io.ev4j.core.socket.TcpSocket;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/// What the echo servers share: a listener accepting a bounded number of connections per
/// readiness (so a connect storm cannot starve echoing), and a `main` that runs until Ctrl-C.
final class Acceptor implements AutoCloseable {
    private static final int ACCEPTS_PER_EVENT = 256;

    private final String name;
    private final TcpListener listener;
    private final IoWatcher watcher;
    private final Consumer<TcpSocket> onAccepted;
    private long acceptedCount;

    /// Listens on `address` and starts accepting on `loop`, handing each socket to `onAccepted`.
    Acceptor(Loop loop, InetSocketAddress address, String name, Consumer<TcpSocket> onAccepted) throws IOException {
        this.name = name;
        this.onAccepted = onAccepted;
        this.listener = TcpListener.listen(loop, address, 4096);
        this.watcher = new IoWatcher(loop, listener.source(), Events.READ, (w, events) -> acceptSome());
        watcher.start();
    }

    InetSocketAddress localAddress() throws IOException {
        return listener.localAddress();
    }

    long acceptedCount() {
        return acceptedCount;
    }

    private void acceptSome() {
        for (int i = 0; i < ACCEPTS_PER_EVENT; i++) {
            TcpSocket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                System.err.println(name + ": accept failed: " + e.getMessage());
                return;
            }
            if (socket == null) {
                return;
            }
            acceptedCount++;
            onAccepted.accept(socket);
        }
    }

    /// Stops accepting and closes the listener.
    @Override
    public void close() {
        watcher.stop();
        listener.close();
    }

    /// Prints where `acceptor` listens, runs `loop` until Ctrl-C (or SIGTERM), then closes
    /// `server` and the loop and prints how many connections it served.
    static int serveUntilStopped(Loop loop, Acceptor acceptor, AutoCloseable server) throws Exception {
        String name = acceptor.name;
        System.out.println(name + " listening on " + acceptor.localAddress() + " (" + loop.backendName()
                + " backend); Ctrl-C stops it");
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            loop.execute(() -> loop.breakLoop(Loop.Break.ALL));
            try {
                closed.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name + "-shutdown"));
        try {
            loop.run();
        } finally {
            long accepted = acceptor.acceptedCount();
            server.close();
            loop.close();
            System.out.println(name + " stopped after " + accepted + " connections");
            closed.countDown();
        }
        return 0;
    }
}
