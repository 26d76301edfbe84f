package io.ev4j.core.backend.epoll;
/// Placeholder until the FFM backend is merged.
public final class EpollBackend implements io.ev4j.core.backend.Backend {
    public EpollBackend() throws java.io.IOException { throw new java.io.IOException("not yet"); }
    public static boolean isSupported() { return false; }
    public String name() { return "epoll"; }
    public boolean watchesFds() { return true; }
    public void modify(int s, int fd, java.nio.channels.SelectableChannel c, int o, int n, boolean f) { }
    public int poll(long t, ReadySink sink) { return 0; }
    public void wakeup() { }
    public void close() { }
}
