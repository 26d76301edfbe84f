package io.ev4j.examples;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/// Counts this process's open file descriptors (Linux), to check that a test closed what it opened.
///
/// The JDK keeps a few descriptors for good on first use of a kind of channel (a spare socket
/// it `dup2`s over channels being closed, for one). Loading this class uses each kind once, so
/// that those descriptors exist before any test takes its first count.
public final class OpenFds {
    static {
        try (Selector selector = Selector.open();
             ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (SocketChannel client = SocketChannel.open(server.getLocalAddress());
                 SocketChannel accepted = server.accept()) {
                client.configureBlocking(false);
                accepted.configureBlocking(false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not warm up the JDK's channel descriptors", e);
        }
    }

    private OpenFds() {
    }

    /// The number of entries in /proc/self/fd, or -1 where there is no such directory.
    public static int count() {
        String[] names = new File("/proc/self/fd").list();
        return names == null ? -1 : names.length;
    }
}
