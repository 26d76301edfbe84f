package io.ev4j.core.socket;

import jdk.net.ExtendedSocketOptions;

import java.io.IOException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;

/// [SocketOptions] on a JDK channel: `StandardSocketOptions` and, for the keep-alive timings,
/// `jdk.net.ExtendedSocketOptions`. What the JDK has no option for (`IPV6_V6ONLY`,
/// `TCP_DEFER_ACCEPT`) or a channel does not support throws
/// [UnsupportedSocketOptionException] before anything is set.
final class NioOptions {
    static final String WHERE = "the nio backend";

    private NioOptions() {
    }

    /// The JDK option for `o`, or null if the JDK has none.
    static SocketOption<?> jdkOption(SocketOptions.Option o) {
        return switch (o) {
            case TCP_NODELAY -> StandardSocketOptions.TCP_NODELAY;
            case SO_KEEPALIVE -> StandardSocketOptions.SO_KEEPALIVE;
            case TCP_KEEPIDLE -> ExtendedSocketOptions.TCP_KEEPIDLE;
            case TCP_KEEPINTVL -> ExtendedSocketOptions.TCP_KEEPINTERVAL;
            case TCP_KEEPCNT -> ExtendedSocketOptions.TCP_KEEPCOUNT;
            case SO_REUSEADDR -> StandardSocketOptions.SO_REUSEADDR;
            case SO_REUSEPORT -> StandardSocketOptions.SO_REUSEPORT;
            case SO_RCVBUF -> StandardSocketOptions.SO_RCVBUF;
            case SO_SNDBUF -> StandardSocketOptions.SO_SNDBUF;
            case SO_LINGER -> StandardSocketOptions.SO_LINGER;
            case IPV6_V6ONLY, TCP_DEFER_ACCEPT -> null;
        };
    }

    /// True if `channel` can take `o`.
    static boolean supports(NetworkChannel channel, SocketOptions.Option o) {
        SocketOption<?> jdk = jdkOption(o);
        return jdk != null && channel.supportedOptions().contains(jdk);
    }

    static UnsupportedSocketOptionException unsupported(SocketOptions.Option o) {
        return new UnsupportedSocketOptionException(o, WHERE, switch (o) {
            case IPV6_V6ONLY -> "the JDK has no such channel option; use a native backend (epoll, poll)";
            case TCP_DEFER_ACCEPT -> "the JDK has no such option; use a native backend (epoll, poll)";
            default -> "this channel does not support it";
        });
    }

    /// Checks every option set, then applies them in order.
    static void apply(NetworkChannel channel, SocketOptions options, boolean unix, String target)
            throws IOException {
        options.requireKind(unix);
        for (SocketOptions.Option o : SocketOptions.Option.values()) {
            if (options.isSet(o) && !supports(channel, o)) {
                throw unsupported(o);
            }
        }
        for (SocketOptions.Option o : SocketOptions.Option.values()) {
            if (options.isSet(o)) {
                set(channel, o, options.value(o), target);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void set(NetworkChannel channel, SocketOptions.Option o, int value, String target)
            throws IOException {
        SocketOption<?> jdk = jdkOption(o);
        try {
            if (jdk.type() == Boolean.class) {
                channel.setOption((SocketOption<Boolean>) jdk, value != 0);
            } else {
                channel.setOption((SocketOption<Integer>) jdk, value);
            }
        } catch (IOException e) {
            throw NioErrors.wrap("setsockopt", o + ", " + target, e);
        }
    }

    /// The effective value of `o`, as [NativeOptions#get] gives it.
    static int get(NetworkChannel channel, SocketOptions.Option o, boolean unix, String target) throws IOException {
        SocketOptions.requireKind(o, unix);
        if (!supports(channel, o)) {
            throw unsupported(o);
        }
        Object v;
        try {
            v = channel.getOption(jdkOption(o));
        } catch (IOException e) {
            throw NioErrors.wrap("getsockopt", o + ", " + target, e);
        }
        return v instanceof Boolean b ? (b ? 1 : 0) : (Integer) v;
    }

    /// The options set in `options` that `listener` cannot take itself but its accepted
    /// channels can: a native listener passes these on to accepted sockets through the
    /// kernel, so a nio listener applies them to each accepted socket instead.
    static SocketOptions forAccepted(NetworkChannel listener, SocketOptions options) {
        SocketOptions rest = SocketOptions.NONE;
        for (SocketOptions.Option o : SocketOptions.Option.values()) {
            if (options.isSet(o) && !supports(listener, o) && jdkOption(o) != null
                    && o != SocketOptions.Option.SO_REUSEADDR && o != SocketOptions.Option.SO_REUSEPORT) {
                rest = rest.with(o, options.value(o));
            }
        }
        return rest;
    }

    /// `options` without those in `passedOn`.
    static SocketOptions minus(SocketOptions options, SocketOptions passedOn) {
        SocketOptions own = options;
        for (SocketOptions.Option o : SocketOptions.Option.values()) {
            if (passedOn.isSet(o)) {
                own = own.without(o);
            }
        }
        return own;
    }
}
