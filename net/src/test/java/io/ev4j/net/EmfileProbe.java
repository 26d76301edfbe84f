package io.ev4j.net;

import io.ev4j.core.BackendKind;
import io.ev4j.core.ErrnoException;
import io.ev4j.core.Loop;
import io.ev4j.core.socket.TcpSocket;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/// The program [ListenerFdExhaustionTest] runs in a JVM of its own under a low `RLIMIT_NOFILE`:
/// a [Listener] in a process whose descriptors are all taken.
///
/// Protocol on stdout, one line each: `port <n>`, then `exhausted <held>` once every
/// descriptor is held; for each accept failure `error <ERRNO> <ms since the previous one>`;
/// after the third, it frees the descriptors and prints `released`; it greets the next
/// client with `hi`, prints `accepted`, closes everything and prints `fds <before> <after>`.
public final class EmfileProbe {
    private static final int ERRORS_BEFORE_RELEASE = 3;
    private static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private final List<FileInputStream> hogs = new ArrayList<>();
    private int errors;
    private long lastErrorNs;
    private boolean greeted;

    public static void main(String[] args) throws Exception {
        preloadOwnClasses();
        new EmfileProbe().run(BackendKind.named(args[0]));
    }

    private void run(BackendKind kind) throws IOException {
        // The JDK keeps what it opens on first use of a kind of channel or library: warm up.
        try (Loop warm = Loop.builder().backend(kind).build();
             Listener<TcpSocket> l = Listener.tcp(warm, ANY_LOOPBACK).onAccept((s, p) -> s.close()).open()) {
            say("warmed up on " + l.localAddress());
        }
        int before = OpenFds.count();
        Loop loop = Loop.builder().backend(kind).build();
        Listener<TcpSocket> listener = Listener.tcp(loop, ANY_LOOPBACK)
                .backoffMs(50)
                .onError(this::failed)
                .onAccept((socket, peer) -> greet(socket))
                .open();
        lastErrorNs = System.nanoTime();
        say("port " + ((InetSocketAddress) listener.localAddress()).getPort());
        hogAllDescriptors();
        say("exhausted " + hogs.size());
        while (listener.droppedConnections() < ERRORS_BEFORE_RELEASE || !greeted) {
            loop.runOnce();
        }
        listener.close();
        loop.close();
        say("dropped " + listener.droppedConnections());
        say("fds " + before + " " + OpenFds.count());
    }

    private void failed(Listener<?> listener, IOException e) {
        long now = System.nanoTime();
        String name = e instanceof ErrnoException x ? x.errnoName() : e.toString();
        say("error " + name + " " + (now - lastErrorNs) / 1_000_000);
        lastErrorNs = now;
        if (++errors == ERRORS_BEFORE_RELEASE) {
            releaseAll();
            say("released");
        }
    }

    private void greet(TcpSocket socket) {
        try {
            socket.write(ByteBuffer.wrap("hi\n".getBytes()));
        } catch (IOException e) {
            say("write failed " + e);
        }
        socket.close();
        greeted = true;
        say("accepted");
    }

    private void hogAllDescriptors() {
        for (;;) {
            try {
                hogs.add(new FileInputStream("/dev/null"));
            } catch (IOException full) {
                return;
            }
        }
    }

    private void releaseAll() {
        for (FileInputStream h : hogs) {
            try {
                h.close();
            } catch (IOException ignored) {
                // /dev/null
            }
        }
        hogs.clear();
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    /// Loads every class of the class path's directories now: once the descriptors are all
    /// held, loading a class file would fail for want of one.
    private static void preloadOwnClasses() throws IOException {
        ClassLoader loader = EmfileProbe.class.getClassLoader();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path root = Path.of(entry);
            if (!Files.isDirectory(root)) {
                continue; // a jar stays open once its first class is loaded
            }
            try (Stream<Path> files = Files.walk(root)) {
                for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                    String name = root.relativize(p).toString().replace('/', '.').replace(".class", "");
                    if (name.startsWith("io.ev4j.") && (!name.endsWith("Test") || name.contains("$"))) {
                        try {
                            Class.forName(name, false, loader);
                        } catch (LinkageError | ClassNotFoundException skipped) {
                            // A test class whose libraries are not needed here.
                        }
                    }
                }
            }
        }
    }
}
