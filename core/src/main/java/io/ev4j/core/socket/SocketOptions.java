package io.ev4j.core.socket;

import java.util.Arrays;

/// An immutable set of socket options to apply, each either set to a value or left at the
/// kernel's default.
///
/// ```java
/// SocketOptions opts = SocketOptions.NONE
///         .withTcpNoDelay(true)
///         .withKeepAlive(60, 10, 5)          // idle 60 s, probe every 10 s, give up after 5
///         .withReceiveBufferBytes(256 * 1024)
///         .withLingerSeconds(0);             // close() resets the connection
/// TcpSocket socket = TcpSocket.connect(loop, address, opts);
/// int idle = socket.option(SocketOptions.Option.TCP_KEEPIDLE);   // read back: 60
/// ```
///
/// Options are applied in [Option] order before `bind` or `connect` (so that
/// [Option#SO_REUSEADDR], [Option#SO_REUSEPORT], [Option#IPV6_V6ONLY] and the buffer sizes
/// take effect), or later with [StreamSocket#apply]. Each `with` method returns a new value;
/// an instance is safe to share between threads and loops.
///
/// ## Caveats
/// - Values are what is *asked for*; read the effective value back with
///   [StreamSocket#option]. Linux doubles the buffer sizes it is given (for its own
///   book-keeping) and rounds [Option#TCP_DEFER_ACCEPT] up to a retransmission step.
/// - The `nio` backend cannot set [Option#IPV6_V6ONLY] or [Option#TCP_DEFER_ACCEPT]: applying
///   either there throws [UnsupportedSocketOptionException]. Unix-domain sockets take only
///   [Option#SO_RCVBUF], [Option#SO_SNDBUF] and [Option#SO_LINGER] (others throw the same).
/// - Accepted sockets inherit most options (`TCP_NODELAY`, keep-alive, buffer sizes, linger)
///   from their listener on Linux; apply options to an accepted socket to be sure.
public final class SocketOptions {

    /// The options this value can hold. Booleans read back as `0` or `1`; times are seconds.
    ///
    /// ```java
    /// if (socket.option(SocketOptions.Option.SO_LINGER) == 0) { /* close() will reset */ }
    /// ```
    public enum Option {
        /// Nagle's algorithm off (`1`) or on (`0`). TCP only.
        TCP_NODELAY(true),
        /// Keep-alive probes on (`1`) or off (`0`).
        SO_KEEPALIVE(false),
        /// Seconds of idleness before the first keep-alive probe (1..32767). TCP only.
        TCP_KEEPIDLE(true),
        /// Seconds between keep-alive probes (1..32767). TCP only.
        TCP_KEEPINTVL(true),
        /// Probes without answer before the connection is dropped (1..127). TCP only.
        TCP_KEEPCNT(true),
        /// Bind to an address still in `TIME_WAIT`.
        SO_REUSEADDR(false),
        /// Several sockets bound to one address and port; the kernel spreads connections.
        SO_REUSEPORT(false),
        /// An IPv6 socket that takes IPv6 only (`1`) or IPv4-mapped addresses too (`0`). TCP only.
        IPV6_V6ONLY(true),
        /// Receive buffer size in bytes.
        SO_RCVBUF(false),
        /// Send buffer size in bytes.
        SO_SNDBUF(false),
        /// Seconds `close` waits for unsent data; `-1` off, `0` an abortive close (the peer gets
        /// a reset and unsent data is dropped).
        SO_LINGER(false),
        /// Listener only: wake the acceptor only once data arrived, waiting at most this many
        /// seconds (`0` off). TCP on native backends only.
        TCP_DEFER_ACCEPT(true);

        private final boolean tcpOnly;

        Option(boolean tcpOnly) {
            this.tcpOnly = tcpOnly;
        }

        /// True if only TCP sockets take this option (not Unix-domain ones).
        public boolean tcpOnly() {
            return tcpOnly;
        }
    }

    private static final Option[] OPTIONS = Option.values();
    private static final int UNSET = Integer.MIN_VALUE;

    /// No option set: every socket keeps the kernel's defaults.
    public static final SocketOptions NONE = new SocketOptions(filledUnset());

    /// What a listener gets when none is given: [Option#SO_REUSEADDR] on, so a restarted
    /// server can bind at once.
    public static final SocketOptions LISTENER_DEFAULTS = NONE.withReuseAddress(true);

    private final int[] values;

    private SocketOptions(int[] values) {
        this.values = values;
    }

    private static int[] filledUnset() {
        int[] v = new int[OPTIONS.length];
        Arrays.fill(v, UNSET);
        return v;
    }

    /// This value with `option` set to `value` (booleans as `0`/`1`), checked as the `with`
    /// methods check it.
    ///
    /// @throws IllegalArgumentException the value is out of the option's range
    public SocketOptions with(Option option, int value) {
        check(option, value);
        int[] v = values.clone();
        v[option.ordinal()] = value;
        return new SocketOptions(v);
    }

    /// This value with `option` back at the kernel's default.
    public SocketOptions without(Option option) {
        int[] v = values.clone();
        v[option.ordinal()] = UNSET;
        return new SocketOptions(v);
    }

    /// [Option#TCP_NODELAY].
    public SocketOptions withTcpNoDelay(boolean on) {
        return with(Option.TCP_NODELAY, on ? 1 : 0);
    }

    /// [Option#SO_KEEPALIVE] alone, with the kernel's timings.
    public SocketOptions withKeepAlive(boolean on) {
        return with(Option.SO_KEEPALIVE, on ? 1 : 0);
    }

    /// [Option#SO_KEEPALIVE] on with its timings: [Option#TCP_KEEPIDLE],
    /// [Option#TCP_KEEPINTVL] and [Option#TCP_KEEPCNT].
    public SocketOptions withKeepAlive(int idleSeconds, int intervalSeconds, int probes) {
        return with(Option.SO_KEEPALIVE, 1).with(Option.TCP_KEEPIDLE, idleSeconds)
                .with(Option.TCP_KEEPINTVL, intervalSeconds).with(Option.TCP_KEEPCNT, probes);
    }

    /// [Option#SO_REUSEADDR].
    public SocketOptions withReuseAddress(boolean on) {
        return with(Option.SO_REUSEADDR, on ? 1 : 0);
    }

    /// [Option#SO_REUSEPORT].
    public SocketOptions withReusePort(boolean on) {
        return with(Option.SO_REUSEPORT, on ? 1 : 0);
    }

    /// [Option#IPV6_V6ONLY] (native backends only).
    public SocketOptions withIpv6Only(boolean on) {
        return with(Option.IPV6_V6ONLY, on ? 1 : 0);
    }

    /// [Option#SO_RCVBUF], at least 1.
    public SocketOptions withReceiveBufferBytes(int bytes) {
        return with(Option.SO_RCVBUF, bytes);
    }

    /// [Option#SO_SNDBUF], at least 1.
    public SocketOptions withSendBufferBytes(int bytes) {
        return with(Option.SO_SNDBUF, bytes);
    }

    /// [Option#SO_LINGER]: `-1` off, `0` abortive close, else seconds up to 65535.
    public SocketOptions withLingerSeconds(int seconds) {
        return with(Option.SO_LINGER, seconds);
    }

    /// [Option#TCP_DEFER_ACCEPT] for a listener (native backends only): `0` off.
    public SocketOptions withDeferAcceptSeconds(int seconds) {
        return with(Option.TCP_DEFER_ACCEPT, seconds);
    }

    /// True if `option` is set in this value.
    public boolean isSet(Option option) {
        return values[option.ordinal()] != UNSET;
    }

    /// The value `option` is set to.
    ///
    /// @throws IllegalStateException it is not set
    public int value(Option option) {
        int v = values[option.ordinal()];
        if (v == UNSET) {
            throw new IllegalStateException(option + " is not set");
        }
        return v;
    }

    /// True if no option is set.
    public boolean isEmpty() {
        for (int v : values) {
            if (v != UNSET) {
                return false;
            }
        }
        return true;
    }

    /// True if a Unix-domain socket takes `option` on every backend.
    static boolean unixTakes(Option option) {
        return option == Option.SO_RCVBUF || option == Option.SO_SNDBUF || option == Option.SO_LINGER;
    }

    /// Throws if a socket of this kind cannot take `option` at all.
    static void requireKind(Option option, boolean unix) {
        if (unix && !unixTakes(option)) {
            throw new UnsupportedSocketOptionException(option, "a unix-domain socket",
                    "only SO_RCVBUF, SO_SNDBUF and SO_LINGER apply");
        }
    }

    /// Throws for the first option set here that a socket of this kind cannot take.
    void requireKind(boolean unix) {
        for (Option o : OPTIONS) {
            if (isSet(o)) {
                requireKind(o, unix);
            }
        }
    }

    private static void check(Option option, int value) {
        boolean ok = switch (option) {
            case TCP_NODELAY, SO_KEEPALIVE, SO_REUSEADDR, SO_REUSEPORT, IPV6_V6ONLY -> value == 0 || value == 1;
            case TCP_KEEPIDLE, TCP_KEEPINTVL -> value >= 1 && value <= 32767;
            case TCP_KEEPCNT -> value >= 1 && value <= 127;
            case SO_RCVBUF, SO_SNDBUF -> value >= 1;
            case SO_LINGER -> value >= -1 && value <= 65535;
            case TCP_DEFER_ACCEPT -> value >= 0;
        };
        if (!ok) {
            throw new IllegalArgumentException(option + " cannot be " + value + switch (option) {
                case TCP_NODELAY, SO_KEEPALIVE, SO_REUSEADDR, SO_REUSEPORT, IPV6_V6ONLY -> " (0 or 1)";
                case TCP_KEEPIDLE, TCP_KEEPINTVL -> " (1..32767 seconds)";
                case TCP_KEEPCNT -> " (1..127 probes)";
                case SO_RCVBUF, SO_SNDBUF -> " (at least 1 byte)";
                case SO_LINGER -> " (-1 off, 0 abortive, up to 65535 seconds)";
                case TCP_DEFER_ACCEPT -> " (0 off, else seconds)";
            });
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SocketOptions o && Arrays.equals(values, o.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    /// Only the options that are set, such as `SocketOptions[TCP_NODELAY=1, SO_LINGER=0]`.
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("SocketOptions[");
        for (Option o : OPTIONS) {
            if (isSet(o)) {
                s.append(s.charAt(s.length() - 1) == '[' ? "" : ", ").append(o).append('=').append(value(o));
            }
        }
        return s.append(']').toString();
    }
}
