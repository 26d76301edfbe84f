package io.ev4j.core.socket;

import io.ev4j.core.sys.linux.Errno;
import io.ev4j.core.sys.linux.SockaddrAbi;
import io.ev4j.core.sys.linux.Syscalls;

import java.io.IOException;

/// [SocketOptions] on a raw socket fd: each option's level and name, set and read back with
/// `setsockopt` and `getsockopt`.
final class NativeOptions {
    private NativeOptions() {
    }

    /// Applies every option set in `options` to `fd`, after checking that this kind of socket
    /// takes them all.
    static void apply(Syscalls sys, int fd, SocketOptions options, boolean unix, String target) throws IOException {
        options.requireKind(unix);
        for (SocketOptions.Option o : SocketOptions.Option.values()) {
            if (options.isSet(o)) {
                set(sys, fd, o, options.value(o), target);
            }
        }
    }

    private static void set(Syscalls sys, int fd, SocketOptions.Option o, int value, String target)
            throws IOException {
        int r = o == SocketOptions.Option.SO_LINGER
                ? sys.setsockoptLinger(fd, value)
                : sys.setsockoptInt(fd, level(o), name(o), value);
        if (r < 0) {
            throw Errno.exception("setsockopt", o + ", " + target, -r);
        }
    }

    /// The effective value of `o` on `fd`.
    static int get(Syscalls sys, int fd, SocketOptions.Option o, boolean unix, String target) throws IOException {
        SocketOptions.requireKind(o, unix);
        if (o == SocketOptions.Option.SO_LINGER) {
            int r = sys.getsockoptLinger(fd);
            if (r < -1) {
                throw Errno.exception("getsockopt", o + ", " + target, -(r + 1));
            }
            return r;
        }
        int r = sys.getsockoptInt(fd, level(o), name(o));
        if (r < 0) {
            throw Errno.exception("getsockopt", o + ", " + target, -r);
        }
        return isBoolean(o) ? (r != 0 ? 1 : 0) : r;
    }

    private static boolean isBoolean(SocketOptions.Option o) {
        return switch (o) {
            case TCP_NODELAY, SO_KEEPALIVE, SO_REUSEADDR, SO_REUSEPORT, IPV6_V6ONLY -> true;
            default -> false;
        };
    }

    private static int level(SocketOptions.Option o) {
        return switch (o) {
            case TCP_NODELAY, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT, TCP_DEFER_ACCEPT -> SockaddrAbi.IPPROTO_TCP;
            case IPV6_V6ONLY -> SockaddrAbi.IPPROTO_IPV6;
            case SO_KEEPALIVE, SO_REUSEADDR, SO_REUSEPORT, SO_RCVBUF, SO_SNDBUF, SO_LINGER -> SockaddrAbi.SOL_SOCKET;
        };
    }

    private static int name(SocketOptions.Option o) {
        return switch (o) {
            case TCP_NODELAY -> SockaddrAbi.TCP_NODELAY;
            case SO_KEEPALIVE -> SockaddrAbi.SO_KEEPALIVE;
            case TCP_KEEPIDLE -> SockaddrAbi.TCP_KEEPIDLE;
            case TCP_KEEPINTVL -> SockaddrAbi.TCP_KEEPINTVL;
            case TCP_KEEPCNT -> SockaddrAbi.TCP_KEEPCNT;
            case SO_REUSEADDR -> SockaddrAbi.SO_REUSEADDR;
            case SO_REUSEPORT -> SockaddrAbi.SO_REUSEPORT;
            case IPV6_V6ONLY -> SockaddrAbi.IPV6_V6ONLY;
            case SO_RCVBUF -> SockaddrAbi.SO_RCVBUF;
            case SO_SNDBUF -> SockaddrAbi.SO_SNDBUF;
            case SO_LINGER -> SockaddrAbi.SO_LINGER;
            case TCP_DEFER_ACCEPT -> SockaddrAbi.TCP_DEFER_ACCEPT;
        };
    }
}
