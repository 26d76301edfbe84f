package io.ev4j.core.socket;

import io.ev4j.core.BackendKind;
import io.ev4j.core.ErrnoException;
import io.ev4j.core.Events;
import io.ev4j.core.IoWatcher;
import io.ev4j.core.Loop;
import io.ev4j.core.TimerWatcher;
import io.ev4j.core.testutil.LoopFixture;
import io.ev4j.core.testutil.OpenFdCheck;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/// A FIFO read through an io watcher on every fd-watching backend, with a real writer.
@Timeout(20)
@ExtendWith(OpenFdCheck.class)
class FifoTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final LoopFixture loops = new LoopFixture();
    private Loop loop;

    @ParameterizedTest
    @MethodSource(LoopFixture.FD_BACKENDS)
    void whatAWriterWritesIsReadThenEndOfStreamWhenItCloses(BackendKind kind) throws Exception {
        loop = loops.open(kind);
        Path path = dir.resolve("events");
        Fifo.create(path, 0600);
        try (Fifo fifo = Fifo.openForReading(loop, path);
             OutputStream writer = Files.newOutputStream(path)) {   // a reader is there: no wait
            writer.write("hello\n".getBytes(StandardCharsets.UTF_8));
            writer.flush();
            StringBuilder got = new StringBuilder();
            byte[] bytes = new byte[4096];
            boolean[] eof = {false};
            TimerWatcher guard = new TimerWatcher(loop, (w, e) -> loop.breakLoop(Loop.Break.ALL));
            guard.start(Duration.ofSeconds(10), Duration.ZERO);
            IoWatcher reader = new IoWatcher(loop, fifo.source(), Events.READ, (w, e) -> {
                try {
                    int n;
                    while ((n = fifo.read(bytes, 0, bytes.length)) > 0) {
                        got.append(new String(bytes, 0, n, StandardCharsets.UTF_8));
                    }
                    if (n < 0) {
                        eof[0] = true;
                        w.stop();
                        guard.stop();
                    } else if (got.toString().equals("hello\n")) {
                        writer.write("world\n".getBytes(StandardCharsets.UTF_8));
                        writer.close();                     // the only writer goes: end of stream
                    }
                } catch (java.io.IOException ex) {
                    throw new java.io.UncheckedIOException(ex);
                }
            });
            reader.start();
            loop.run();
            reader.stop();
            guard.stop();
            assertEquals("hello\nworld\n", got.toString());
            assertTrue(eof[0], "end of stream once the writer closed");
        }
    }

    @Test
    void badInputIsNamed() throws Exception {
        assumeTrue(BackendKind.EPOLL.isAvailable());
        Path path = dir.resolve("twice");
        Fifo.create(path, 0600);
        assertThrows(FileAlreadyExistsException.class, () -> Fifo.create(path, 0600));
        loop = loops.open(BackendKind.EPOLL);
        ErrnoException missing = assertThrows(ErrnoException.class,
                () -> Fifo.openForReading(loop, dir.resolve("missing")));
        assertEquals("ENOENT", missing.errnoName());
        assertTrue(missing.getMessage().contains("missing"), missing.getMessage());
        try (Loop nio = Loop.builder().backend(BackendKind.NIO).build()) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> Fifo.openForReading(nio, path));
            assertTrue(e.getMessage().contains("nio backend cannot watch a FIFO"), e.getMessage());
        }
    }
}
