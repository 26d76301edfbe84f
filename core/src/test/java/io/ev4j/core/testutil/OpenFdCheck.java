package io.ev4j.core.testutil;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.fail;

/// Fails a test that leaves more (or fewer) entries in `/proc/self/fd` than it found.
///
/// A no-op where `/proc/self/fd` does not exist (not Linux). The listing's own directory
/// descriptor is counted both times, so it cancels out.
///
/// The JDK opens a few descriptors once per JVM on first use of a kind of channel (closing a
/// socket channel, for one, keeps a spare socket to `dup2` over descriptors being closed).
/// So that the first test to use such a channel is not blamed, the check first opens and
/// closes one of each kind.
public final class OpenFdCheck implements BeforeEachCallback, AfterEachCallback {

    private static final File FD_DIR = new File("/proc/self/fd");
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(OpenFdCheck.class);

    static {
        if (FD_DIR.isDirectory()) {
            try {
                warmUp();
            } catch (IOException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    private static void warmUp() throws IOException {
        Pipe pipe = Pipe.open();
        try (Selector selector = Selector.open();
             Pipe.SourceChannel source = pipe.source();
             Pipe.SinkChannel sink = pipe.sink();
             ServerSocketChannel server = ServerSocketChannel.open()) {
            source.configureBlocking(false);
            source.register(selector, SelectionKey.OP_READ);
            sink.write(ByteBuffer.allocate(1));
            selector.selectNow();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (SocketChannel client = SocketChannel.open(server.getLocalAddress());
                 SocketChannel accepted = server.accept()) {
                client.configureBlocking(false);
                accepted.configureBlocking(false);
            }
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (FD_DIR.isDirectory()) {
            context.getStore(NS).put("fds", snapshot());
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        @SuppressWarnings("unchecked")
        Map<String, String> before = context.getStore(NS).remove("fds", Map.class);
        if (before == null) {
            return;
        }
        Map<String, String> after = snapshot();
        if (after.size() != before.size()) {
            Map<String, String> opened = new TreeMap<>(after);
            opened.keySet().removeAll(before.keySet());
            Map<String, String> closed = new TreeMap<>(before);
            closed.keySet().removeAll(after.keySet());
            fail("open fds went from " + before.size() + " to " + after.size()
                    + "; new: " + opened + "; gone: " + closed);
        }
    }

    /// Descriptor number to link target, for the failure message.
    private static Map<String, String> snapshot() {
        Map<String, String> fds = new TreeMap<>();
        String[] names = FD_DIR.list();
        if (names != null) {
            for (String name : names) {
                String target;
                try {
                    target = Files.readSymbolicLink(Path.of(FD_DIR.getPath(), name)).toString();
                } catch (IOException e) {
                    target = "?";   // the listing's own descriptor, already gone
                }
                fds.put(name, target);
            }
        }
        return fds;
    }
}
