package io.ev4j.examples.fifo;

import io.ev4j.core.Events;
import io.ev4j.core.IoWatcher;
import io.ev4j.core.Loop;
import io.ev4j.core.SignalWatcher;
import io.ev4j.core.socket.Fifo;
import io.ev4j.examples.Example;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/// Makes a FIFO at a path and prints what is written into it:
/// `event-read-fifo /tmp/events`, then `echo hi > /tmp/events` from another shell.
///
/// ```java
/// EventReadFifo reader = new EventReadFifo(loop, path, System.out, false);
/// loop.run();                  // until SIGINT, or the first writer's end with once = true
/// ```
///
/// When the last writer closes, the FIFO reads as end of stream and would stay readable, so
/// the reader closes it and opens it again to wait for the next writer; with `--once` it stops
/// there instead. SIGINT stops it too. The FIFO is removed at the end. Native backends only:
/// `java.nio` cannot watch a FIFO.
public final class EventReadFifo {
    private final Loop loop;
    private final Path path;
    private final PrintStream out;
    private final boolean once;
    private final byte[] bytes = new byte[4096];
    private final SignalWatcher interrupt;
    private Fifo fifo;
    private IoWatcher reader;

    public EventReadFifo(Loop loop, Path path, PrintStream out, boolean once) throws IOException {
        this.loop = loop;
        this.path = path;
        this.out = out;
        this.once = once;
        Fifo.create(path, 0600);
        interrupt = new SignalWatcher(loop, "INT", (w, e) -> stop("SIGINT"));
        interrupt.start();
        open();
    }

    private void open() throws IOException {
        fifo = Fifo.openForReading(loop, path);
        reader = new IoWatcher(loop, fifo.source(), Events.READ, (w, e) -> readAll());
        reader.start();
    }

    private void readAll() {
        try {
            int n;
            while ((n = fifo.read(bytes, 0, bytes.length)) > 0) {
                out.print("read " + n + " bytes: " + new String(bytes, 0, n, StandardCharsets.UTF_8));
                out.flush();
            }
            if (n < 0) {
                reader.stop();
                fifo.close();
                if (once) {
                    stop("end of stream");
                } else {
                    out.println("end of stream; waiting for the next writer");
                    open();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void stop(String why) {
        reader.stop();
        fifo.close();
        interrupt.stop();
        out.println(why + ": done");
    }

    public static int run(Example example) throws IOException {
        if (example.args().isEmpty()) {
            System.err.println("event-read-fifo: needs a path for the FIFO");
            return 2;
        }
        Path path = Path.of(example.args().get(0));
        boolean once = example.args().contains("--once");
        try (Loop loop = example.newLoop()) {
            if (!loop.watchesFds()) {
                System.err.println("event-read-fifo: the " + loop.backendName()
                        + " backend cannot watch a FIFO; use --backend epoll or poll");
                return 2;
            }
            try {
                new EventReadFifo(loop, path, System.out, once);
                System.out.println("reading " + path + " on " + loop.backendName());
                loop.run();
            } finally {
                Files.deleteIfExists(path);
            }
        }
        return 0;
    }
}
