package io.ev4j.examples.echo;

import io.ev4j.core.Loop;
import io.ev4j.core.socket.TcpSocket;
import io.ev4j.net.Listener;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/// What the echo servers share: a net [Listener] accepting a bounded number of connections per
/// readiness (so a connect storm cannot starve echoing) and surviving descriptor exhaustion
/// (the waiting client is accepted and closed, accepting backs off and goes on), and a `main`
/// that runs until Ctrl-C.
final class Acceptor implements AutoCloseable {
    private static final int ACCEPTS_PER_EVENT = 256;
    private static final int BACKLOG = 4096;

    private final String name;
    private final Listener<TcpSocket> listener;
    private final Consumer<TcpSocket> onAccepted;
    private long acceptedCount;

    /// Listens on `address` and starts accepting on `loop`, handing each socket to `onAccepted`;
    /// accept failures are printed to stderr.
    Acceptor(Loop loop, InetSocketAddress address, String name, Consumer<TcpSocket> onAccepted) throws IOException {
        this.name = name;
        this.onAccepted = onAccepted;
        this.listener = Listener.tcp(loop, address)
                .backlog(BACKLOG)
                .maxAcceptsPerWakeup(ACCEPTS_PER_EVENT)
                .onAccept((socket, peer) -> accepted(socket))
                .onError((l, e) -> System.err.println(name + ": accept failed: " + e.getMessage()))
                .open();
    }

    InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) listener.localAddress();
    }

    long acceptedCount() {
        return acceptedCount;
    }

    private void accepted(TcpSocket socket) {
        acceptedCount++;
        onAccepted.accept(socket);
    }

    /// Stops accepting and closes the listener.
    @Override
    public void close() {
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
