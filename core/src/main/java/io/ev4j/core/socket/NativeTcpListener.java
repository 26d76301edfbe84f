package io.ev4j.core.socket;
/// Placeholder: the native implementation lands with the epoll backend.
abstract non-sealed class NativeTcpListener implements TcpListener {
    static TcpListener listen(io.ev4j.core.Loop loop, java.net.InetSocketAddress address, int backlog) throws java.io.IOException {
        throw new UnsupportedOperationException("native sockets are not written yet");
    }
}
