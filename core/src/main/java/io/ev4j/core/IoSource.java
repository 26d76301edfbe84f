package io.ev4j.core;

import java.nio.channels.SelectableChannel;
import java.util.Objects;

/// The thing an [IoWatcher] watches: a raw file descriptor or a [SelectableChannel].
///
/// ```java
/// TcpSocket socket = TcpSocket.connect(loop, address);   // right kind for the loop
/// new IoWatcher(loop, socket.source(), Events.WRITE, (w, events) -> connected(socket)).start();
/// ```
///
/// Native backends (`epoll`) watch file descriptors; the portable `nio` backend watches
/// channels, because `java.nio` cannot poll a raw fd. [Loop#watchesFds()] says which one a
/// loop takes, and starting an io watcher on the other kind fails with a message that says so.
/// Programs that use ev4j's own sockets ([io.ev4j.core.socket.TcpSocket],
/// [io.ev4j.core.socket.TcpListener]) get the right kind for their loop and run unchanged on
/// every backend.
///
/// Two sources are the same handle when they name the same fd, or the very same channel
/// object; several io watchers on one handle share one kernel registration.
public sealed interface IoSource permits IoSource.Fd, IoSource.Channel {

    /// A file descriptor, for native backends. Checks only that `fd` is not negative; whether it
    /// is open is found out when the watcher is first polled (it then gets [Events#ERROR]).
    static IoSource fd(int fd) {
        return new Fd(fd);
    }

    /// A channel, for the `nio` backend. The channel is switched to non-blocking mode when its
    /// watcher is first registered.
    static IoSource channel(SelectableChannel channel) {
        return new Channel(channel);
    }

    /// A raw file descriptor.
    record Fd(int fd) implements IoSource {
        public Fd {
            if (fd < 0) {
                throw new IllegalArgumentException("file descriptor must be >= 0, got " + fd);
            }
        }
    }

    /// A selectable channel, compared by identity.
    record Channel(SelectableChannel channel) implements IoSource {
        public Channel {
            Objects.requireNonNull(channel, "channel");
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Channel c && c.channel == channel;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(channel);
        }
    }
}
