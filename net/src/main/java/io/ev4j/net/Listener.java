package io.ev4j.net;

import io.ev4j.core.ErrnoException;
import io.ev4j.core.Events;
import io.ev4j.core.IoWatcher;
import io.ev4j.core.Loop;
import io.ev4j.core.TimerWatcher;
import io.ev4j.core.socket.SocketOptions;
import io.ev4j.core.socket.StreamListener;
import io.ev4j.core.socket.StreamSocket;
import io.ev4j.core.socket.TcpListener;
import io.ev4j.core.socket.TcpSocket;
import io.ev4j.core.socket.UnixAddress;
import io.ev4j.core.socket.UnixListener;
import io.ev4j.core.socket.UnixSocket;
import io.ev4j.core.sys.linux.Errno;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Objects;

/// Accepts connections on a loop and hands each one to a callback: bind, listen, accept, with
/// the accept storm bounded and descriptor exhaustion survived.
///
/// ```java
/// Listener<TcpSocket> server = Listener.tcp(loop, new InetSocketAddress(9995))
///         .options(SocketOptions.LISTENER_DEFAULTS.withTcpNoDelay(true))
///         .backlog(1024)
///         .onAccept((socket, peer) -> serve(socket))
///         .onError((listener, e) -> log.warning("accept: " + e.getMessage()))
///         .open();
/// loop.run();
/// ```
///
/// ## Guarantees
/// - **Bounded accept storm.** One readiness of the listening socket accepts at most
///   [Builder#maxAcceptsPerWakeup] connections (64 unless set); the rest wait for the next
///   loop iteration, so timers and other sockets still get their turn under a flood.
/// - **Out of descriptors (`EMFILE`/`ENFILE`): neither spins nor dies.** The listener keeps one
///   spare descriptor (`/dev/null`) open. When accept fails for lack of descriptors it closes
///   the spare, accepts the waiting connection and closes it at once (the client sees the
///   connection end instead of hanging in the backlog), reopens the spare, reports the
///   [ErrnoException] to the error callback and stops accepting for
///   [Builder#backoffMs] (100 ms unless set). Any other accept failure is reported and backed
///   off the same way, so a failing listener never busy-loops.
/// - [#disable()] and [#enable()] stop and resume accepting without closing the socket;
///   connections meanwhile wait in the kernel's backlog.
/// - The accept callback owns the socket it is given (it must close it). A callback that
///   throws goes to the loop's error handler; accepting goes on at the next readiness.
/// - Without an error callback, errors are thrown from the listener's watcher as
///   [UncheckedIOException] and so reach the loop's error handler (after the back-off is set).
/// - `TCP_DEFER_ACCEPT` ([Builder#deferAcceptSeconds]) needs a native backend; on `nio` the
///   open fails with [io.ev4j.core.socket.UnsupportedSocketOptionException].
/// - Loop thread only. [#close()] stops its watchers and closes the socket and the spare.
///
/// @param <S> the kind of socket accepted: [TcpSocket] or [UnixSocket]
public final class Listener<S extends StreamSocket> implements AutoCloseable {

    /// Receives each accepted connection.
    ///
    /// ```java
    /// AcceptHandler<TcpSocket> greet = (socket, peer) -> {
    ///     socket.write(ByteBuffer.wrap("Hello, World!\n".getBytes()));
    ///     socket.close();
    /// };
    /// ```
    @FunctionalInterface
    public interface AcceptHandler<S extends StreamSocket> {
        /// Runs on the loop thread with a connected, non-blocking socket this callback now owns.
        void accepted(S socket, SocketAddress peer);
    }

    /// Receives accept failures: `EMFILE`/`ENFILE` (already handled as the class describes),
    /// or any other [IOException] from accept.
    ///
    /// ```java
    /// ErrorHandler log = (listener, e) -> System.err.println(listener + ": " + e.getMessage());
    /// ```
    @FunctionalInterface
    public interface ErrorHandler {
        /// Runs on the loop thread; the listener is backing off when this is called.
        void failed(Listener<?> listener, IOException error);
    }

    /// The device whose descriptor is kept as the spare.
    private static final String SPARE_PATH = "/dev/null";

    private final Loop loop;
    private final StreamListener socket;
    private final AcceptHandler<S> onAccept;
    private final ErrorHandler onError;
    private final int maxAccepts;
    private final long backoffNs;
    private final IoWatcher watcher;
    private final TimerWatcher backoff;
    private FileInputStream spare;
    private boolean enabled;
    private long dropped;

    private Listener(Builder<S> b, StreamListener socket) throws IOException {
        this.loop = b.loop;
        this.socket = socket;
        this.onAccept = b.onAccept;
        this.onError = b.onError;
        this.maxAccepts = b.maxAccepts;
        this.backoffNs = b.backoffMs * 1_000_000L;
        this.spare = new FileInputStream(SPARE_PATH);
        this.watcher = new IoWatcher(loop, socket.source(), Events.READ, (w, events) -> acceptSome());
        this.backoff = new TimerWatcher(loop, (w, events) -> backoffEnded());
    }

    /// A builder for a TCP listener on `address` (IPv4, IPv6, a wildcard; port 0 for an
    /// ephemeral port).
    public static Builder<TcpSocket> tcp(Loop loop, InetSocketAddress address) {
        Objects.requireNonNull(address, "address");
        return new Builder<>(loop, SocketOptions.LISTENER_DEFAULTS,
                b -> TcpListener.listen(loop, address, b.backlog, b.effectiveOptions()));
    }

    /// A builder for a Unix-domain listener on `address`.
    public static Builder<UnixSocket> unix(Loop loop, UnixAddress address) {
        Objects.requireNonNull(address, "address");
        return new Builder<>(loop, SocketOptions.NONE,
                b -> UnixListener.listen(loop, address, b.backlog, b.effectiveOptions()));
    }

    /// A builder around a TCP listening socket already bound (options and backlog of the
    /// builder are then not used). The listener closes it on [#close()].
    public static Builder<TcpSocket> on(Loop loop, TcpListener listening) {
        Objects.requireNonNull(listening, "listening");
        return new Builder<>(loop, SocketOptions.NONE, b -> listening);
    }

    /// A builder around a Unix-domain listening socket already bound.
    public static Builder<UnixSocket> on(Loop loop, UnixListener listening) {
        Objects.requireNonNull(listening, "listening");
        return new Builder<>(loop, SocketOptions.NONE, b -> listening);
    }

    /// Starts accepting (again). Does nothing if already enabled; while backing off, accepting
    /// resumes when the back-off ends.
    ///
    /// @throws IllegalStateException the listener is closed
    public void enable() {
        if (!socket.isOpen()) {
            throw new IllegalStateException("listener is closed: " + socket);
        }
        enabled = true;
        if (!backoff.isActive()) {
            watcher.start();
        }
    }

    /// Stops accepting; waiting connections stay in the kernel's backlog.
    public void disable() {
        enabled = false;
        watcher.stop();
    }

    /// True between [#enable()] and [#disable()] (also while backing off).
    public boolean isEnabled() {
        return enabled;
    }

    /// True while accepting is paused after a failure.
    public boolean isBackingOff() {
        return backoff.isActive();
    }

    /// Connections accepted and closed at once because the process was out of descriptors.
    public long droppedConnections() {
        return dropped;
    }

    /// The listening socket (for its address and options).
    public StreamListener socket() {
        return socket;
    }

    /// The bound address (with the real port if port 0 was asked for).
    public SocketAddress localAddress() throws IOException {
        return socket.localAddress();
    }

    /// True until [#close()].
    public boolean isOpen() {
        return socket.isOpen();
    }

    /// Stops accepting and closes the listening socket and the spare descriptor. Idempotent.
    @Override
    public void close() {
        enabled = false;
        watcher.stop();
        backoff.stop();
        socket.close();
        closeSpare();
    }

    @SuppressWarnings("unchecked")
    private void acceptSome() {
        for (int i = 0; i < maxAccepts && watcher.isActive(); i++) {
            StreamSocket accepted;
            try {
                accepted = socket.accept();
            } catch (ErrnoException e) {
                if (e.errno() == Errno.EMFILE || e.errno() == Errno.ENFILE) {
                    dropOne();
                }
                fail(e);
                return;
            } catch (IOException e) {
                fail(e);
                return;
            }
            if (accepted == null) {
                return;
            }
            SocketAddress peer;
            try {
                peer = accepted.remoteAddress();
            } catch (IOException e) {
                accepted.close(); // gone already: nothing to hand over
                continue;
            }
            onAccept.accepted((S) accepted, peer);
        }
    }

    /// Frees the spare descriptor, accepts the connection that could not be accepted and
    /// closes it, and takes the spare again.
    private void dropOne() {
        closeSpare();
        try {
            StreamSocket victim = socket.accept();
            if (victim != null) {
                victim.close();
                dropped++;
            }
        } catch (IOException stillNone) {
            // Another thread took the descriptor; the back-off retries later.
        }
        reopenSpare();
    }

    private void fail(IOException e) {
        watcher.stop();
        loop.updateNow(); // count the back-off from now, not from the iteration's start
        backoff.start(backoffNs, 0);
        if (onError != null) {
            onError.failed(this, e);
        } else {
            throw new UncheckedIOException("accept on " + socket + " failed; backing off", e);
        }
    }

    private void backoffEnded() {
        if (spare == null) {
            reopenSpare();
        }
        if (enabled && socket.isOpen()) {
            watcher.start();
        }
    }

    private void reopenSpare() {
        try {
            spare = new FileInputStream(SPARE_PATH);
        } catch (IOException e) {
            spare = null; // tried again when the back-off ends
        }
    }

    private void closeSpare() {
        FileInputStream s = spare;
        spare = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // Closing /dev/null cannot fail in a way worth reporting.
            }
        }
    }

    @Override
    public String toString() {
        return "Listener[" + socket + (enabled ? ", enabled" : ", disabled")
                + (backoff.isActive() ? ", backing off" : "") + "]";
    }

    /// Opens the listening socket for a [Builder].
    @FunctionalInterface
    private interface Opener {
        StreamListener open(Builder<?> b) throws IOException;
    }

    /// Configures and opens a [Listener]. Only [#onAccept] is required.
    public static final class Builder<S extends StreamSocket> {
        private final Loop loop;
        private final Opener opener;
        private SocketOptions options;
        private int deferAcceptSeconds = -1;
        private int backlog = 128;
        private int maxAccepts = 64;
        private long backoffMs = 100;
        private boolean startEnabled = true;
        private AcceptHandler<S> onAccept;
        private ErrorHandler onError;

        private Builder(Loop loop, SocketOptions options, Opener opener) {
            this.loop = Objects.requireNonNull(loop, "loop");
            this.options = options;
            this.opener = opener;
        }

        /// Options applied before bind: unless set, [SocketOptions#LISTENER_DEFAULTS] for TCP,
        /// [SocketOptions#NONE] for Unix-domain sockets.
        public Builder<S> options(SocketOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /// `TCP_DEFER_ACCEPT`: wake up only once the client has sent data, waiting at most
        /// `seconds` (native backends, TCP only).
        public Builder<S> deferAcceptSeconds(int seconds) {
            if (seconds < 0) {
                throw new IllegalArgumentException("deferAcceptSeconds must be >= 0, got " + seconds);
            }
            this.deferAcceptSeconds = seconds;
            return this;
        }

        /// The `listen` backlog (128 unless set; the kernel caps it at `somaxconn`).
        public Builder<S> backlog(int backlog) {
            if (backlog < 1) {
                throw new IllegalArgumentException("backlog must be >= 1, got " + backlog);
            }
            this.backlog = backlog;
            return this;
        }

        /// At most this many accepts per readiness of the listening socket (64 unless set).
        public Builder<S> maxAcceptsPerWakeup(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxAcceptsPerWakeup must be >= 1, got " + max);
            }
            this.maxAccepts = max;
            return this;
        }

        /// How long accepting pauses after a failure (100 ms unless set).
        public Builder<S> backoffMs(long backoffMs) {
            if (backoffMs < 1 || backoffMs > 3_600_000) {
                throw new IllegalArgumentException("backoffMs must be 1..3600000, got " + backoffMs);
            }
            this.backoffMs = backoffMs;
            return this;
        }

        /// Open without accepting until [Listener#enable()].
        public Builder<S> disabled() {
            this.startEnabled = false;
            return this;
        }

        /// The accept callback (required).
        public Builder<S> onAccept(AcceptHandler<S> onAccept) {
            this.onAccept = Objects.requireNonNull(onAccept, "onAccept");
            return this;
        }

        /// The error callback (optional; see [Listener] for what happens without one).
        public Builder<S> onError(ErrorHandler onError) {
            this.onError = Objects.requireNonNull(onError, "onError");
            return this;
        }

        private SocketOptions effectiveOptions() {
            return deferAcceptSeconds >= 0 ? options.withDeferAcceptSeconds(deferAcceptSeconds) : options;
        }

        /// Binds, listens and (unless [#disabled()]) starts accepting.
        ///
        /// @throws IllegalStateException no accept callback was given
        /// @throws IOException the socket could not be opened, bound or listened on (typed
        ///         [ErrnoException] naming the call and address, such as `EADDRINUSE`), or the
        ///         spare descriptor could not be opened
        public Listener<S> open() throws IOException {
            if (onAccept == null) {
                throw new IllegalStateException("a listener needs an accept callback (onAccept)");
            }
            StreamListener socket = opener.open(this);
            Listener<S> listener;
            try {
                listener = new Listener<>(this, socket);
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
            if (startEnabled) {
                listener.enable();
            }
            return listener;
        }
    }
}
