package io.ev4j.core;

import io.ev4j.core.socket.TcpListener;
import io.ev4j.core.socket.TcpSocket;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/// A connected pair of loopback TCP sockets of the loop's kind, for io tests.
final class Loopback implements AutoCloseable {
    final TcpSocket client;
    final TcpSocket server;

    private Loopback(TcpSocket client, TcpSocket server) {
        this.client = client;
        this.server = server;
    }

    static Loopback open(Loop loop) throws IOException {
        try (TcpListener listener = TcpListener.listen(loop, new InetSocketAddress("127.0.0.1", 0), 8)) {
            TcpSocket client = TcpSocket.connect(loop, listener.localAddress());
            long deadline = System.nanoTime() + 5_000_000_000L;
            TcpSocket server;
            while ((server = listener.accept()) == null) {
                if (System.nanoTime() > deadline) {
                    client.close();
                    throw new IOException("loopback connect did not complete in 5 s");
                }
                Thread.onSpinWait();
            }
            while (!client.finishConnect()) {
                Thread.onSpinWait();
            }
            return new Loopback(client, server);
        }
    }

    static void write(TcpSocket socket, String text) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes());
        while (b.hasRemaining()) {
            socket.write(b);
        }
    }

    static String readAvailable(TcpSocket socket) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4096);
        int n = socket.read(b);
        return n <= 0 ? "" : new String(b.array(), 0, n);
    }

    @Override
    public void close() {
        client.close();
        server.close();
    }
}
