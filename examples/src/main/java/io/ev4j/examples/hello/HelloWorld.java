package io.ev4j.examples.hello;

import io.ev4j.core.Loop;
import io.ev4j.core.SignalWatcher;
import io.ev4j.core.TimerWatcher;
import io.ev4j.core.socket.TcpSocket;
import io.ev4j.examples.Example;
import io.ev4j.net.BufferedConnection;
import io.ev4j.net.ConnectionEvents;
import io.ev4j.net.ConnectionOption;
import io.ev4j.net.Listener;
import io.ev4j.net.buffer.SegmentPool;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;

/// Greets every client with `Hello, World!` and a newline, then closes its connection; `SIGINT`
/// (Ctrl-C) ends the program two seconds later.
///
/// ```java
/// HelloWorld hello = HelloWorld.start(loop, new InetSocketAddress(9995), System.out);
/// loop.run();                        // returns two seconds after a SIGINT
/// hello.close();
/// ```
///
/// Each accepted socket becomes a [BufferedConnection] whose output gets the greeting; its
/// write callback (write low watermark 0) runs once every byte is written, and closes it.
/// Reading is never enabled: what a client sends is ignored. A write that fails (the client
/// reset the connection first) is printed and the connection closed from the event callback. The `SIGINT` watcher
/// prints a line and starts a two-second timer that breaks the loop; accepting goes on
/// meanwhile. While the watcher is active the JVM's own `SIGINT` handler does not run, so a
/// second Ctrl-C does not cut the two seconds short.
public final class HelloWorld implements AutoCloseable {
    /// What every client reads before the connection ends.
    public static final String MESSAGE = "Hello, World!\n";
    /// The port listened on when none is given.
    public static final int DEFAULT_PORT = 9995;
    /// How long the program goes on after `SIGINT`.
    public static final long EXIT_DELAY_NS = 2_000_000_000L;

    private static final byte[] MESSAGE_BYTES = MESSAGE.getBytes(StandardCharsets.US_ASCII);

    private final Loop loop;
    private final PrintStream out;
    private final SegmentPool pool = new SegmentPool();
    private final Set<BufferedConnection> connections = new HashSet<>();
    private final BufferedConnection.DataCallback onWritten = this::written;
    private final BufferedConnection.EventCallback onEvent = this::event;
    private final Listener<TcpSocket> listener;
    private final SignalWatcher interrupt;
    private final TimerWatcher exit;
    private long greeted;

    private HelloWorld(Loop loop, InetSocketAddress address, PrintStream out) throws IOException {
        this.loop = loop;
        this.out = out;
        this.listener = Listener.tcp(loop, address)
                .onAccept(this::greet)
                .onError((l, e) -> out.println("accept failed: " + e.getMessage()))
                .open();
        this.exit = new TimerWatcher(loop, (w, events) -> loop.breakLoop(Loop.Break.ALL));
        this.interrupt = new SignalWatcher(loop, "INT", (w, events) -> interrupted());
        interrupt.start();
    }

    /// Listens on `address` and starts accepting on `loop`, printing to `out`.
    public static HelloWorld start(Loop loop, InetSocketAddress address, PrintStream out) throws IOException {
        return new HelloWorld(loop, address, out);
    }

    /// The address it listens on, with the real port.
    public InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) listener.localAddress();
    }

    /// Clients whose greeting was written in full.
    public long greetedCount() {
        return greeted;
    }

    private void greet(TcpSocket socket, SocketAddress peer) {
        BufferedConnection c = BufferedConnection.wrap(loop, pool, socket, ConnectionOption.CLOSE_ON_FREE);
        c.setCallbacks(null, onWritten, onEvent);
        c.setWriteLowWatermark(0);
        c.output().append(MESSAGE_BYTES);
        connections.add(c);
    }

    /// Runs when the output is down to the low watermark, 0: the greeting is out.
    private void written(BufferedConnection c) {
        if (c.output().isEmpty()) {
            greeted++;
            out.println("flushed answer");
            close(c);
        }
    }

    /// Reading is never enabled, so only a failed write (the client reset) or the like ends
    /// up here.
    private void event(BufferedConnection c, int events) {
        out.println("Got an error on the connection: " + ConnectionEvents.toString(events) + " " + c.lastError());
        close(c);
    }

    private void interrupted() {
        if (exit.isActive()) {
            return;                                 // already on the way out
        }
        out.println("Caught an interrupt signal; exiting cleanly in two seconds.");
        exit.start(EXIT_DELAY_NS, 0);
    }

    private void close(BufferedConnection c) {
        c.close();
        connections.remove(c);
    }

    /// Stops accepting and the watchers, and closes every connection and the pool. Loop thread.
    @Override
    public void close() {
        interrupt.stop();
        exit.stop();
        listener.close();
        for (BufferedConnection c : new ArrayList<>(connections)) {
            close(c);
        }
        pool.close();
    }

    /// `hello-world [port]`: port 9995 by default; prints where it listens, then runs until two
    /// seconds after a `SIGINT`, and exits 0.
    public static int run(Example example) throws Exception {
        try (Loop loop = example.newLoop()) {
            HelloWorld hello = start(loop, new InetSocketAddress(example.port(0, DEFAULT_PORT)), System.out);
            System.out.println("hello-world listening on " + hello.localAddress() + " (" + loop.backendName()
                    + " backend); pid " + ProcessHandle.current().pid() + "; Ctrl-C stops it");
            try {
                loop.run();
            } finally {
                hello.close();
            }
            System.out.println("done");
        }
        return 0;
    }
}
