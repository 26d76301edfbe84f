package io.ev4j.core.socket;
/// Placeholder: the native implementation lands with the epoll backend.
abstract non-sealed class NativeTcpSocket implements TcpSocket {
    static TcpSocket connect(io.ev4j.core.Loop loop, java.net.InetSocketAddress remote) throws java.io.IOException {
        throw new UnsupportedOperationException("native sockets are not written yet");
    }
}
