package io.ev4j.core.socket;

import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/// The address of a Unix-domain stream socket: a file-system path, or a Linux abstract name.
///
/// ```java
/// UnixListener server = UnixListener.listen(loop, UnixAddress.of(Path.of("/run/app.sock")), 64);
/// UnixSocket client = UnixSocket.connect(loop, UnixAddress.ofAbstract("app-control"));
/// ```
///
/// A path is at most 107 bytes (UTF-8) and holds no NUL byte; an abstract name (Linux only,
/// native backends only) is 1..107 bytes, lives in the network namespace rather than the file
/// system, and vanishes with its last socket. [#UNNAMED] is the peer address of a client that
/// never bound, the usual case on the accepting side.
public final class UnixAddress extends SocketAddress {
    private static final long serialVersionUID = 1L;

    /// The address of a socket that is not bound to a name.
    public static final UnixAddress UNNAMED = new UnixAddress(new byte[0], false);

    private final byte[] name;
    private final boolean abstractName;

    private UnixAddress(byte[] name, boolean abstractName) {
        this.name = name;
        this.abstractName = abstractName;
    }

    /// A file-system path.
    ///
    /// @throws IllegalArgumentException the path is empty, holds a NUL, or is over 107 bytes
    public static UnixAddress of(Path path) {
        return checked(path.toString().getBytes(StandardCharsets.UTF_8), false);
    }

    /// A Linux abstract name (the bytes after the leading NUL of `sun_path`).
    ///
    /// @throws IllegalArgumentException the name is empty or over 107 bytes
    public static UnixAddress ofAbstract(String name) {
        return checked(name.getBytes(StandardCharsets.UTF_8), true);
    }

    /// From the kernel's `sun_path` bytes as the ABI decodes them: empty for unnamed, a leading
    /// NUL for abstract.
    static UnixAddress fromKernel(byte[] sunPath) {
        if (sunPath == null || sunPath.length == 0) {
            return UNNAMED;
        }
        if (sunPath[0] == 0) {
            return new UnixAddress(Arrays.copyOfRange(sunPath, 1, sunPath.length), true);
        }
        return new UnixAddress(sunPath, false);
    }

    private static UnixAddress checked(byte[] bytes, boolean abstractName) {
        if (bytes.length == 0 || bytes.length > 107) {
            throw new IllegalArgumentException("a unix socket " + (abstractName ? "abstract name" : "path")
                    + " must be 1..107 bytes, got " + bytes.length);
        }
        if (!abstractName) {
            for (byte b : bytes) {
                if (b == 0) {
                    throw new IllegalArgumentException("a unix socket path cannot hold a NUL byte");
                }
            }
        }
        return new UnixAddress(bytes, abstractName);
    }

    /// True for a Linux abstract name.
    public boolean isAbstract() {
        return abstractName;
    }

    /// True for [#UNNAMED].
    public boolean isUnnamed() {
        return name.length == 0;
    }

    /// The path, or null for an abstract name or [#UNNAMED].
    public Path path() {
        return abstractName || name.length == 0 ? null : Path.of(name());
    }

    /// The path or abstract name as text (empty for [#UNNAMED]).
    public String name() {
        return new String(name, StandardCharsets.UTF_8);
    }

    /// The name's bytes, without any NUL (a copy).
    byte[] bytes() {
        return name.clone();
    }

    /// Removes the socket file of a path a listener bound, once it is closed; nothing for an
    /// abstract name. Never throws: a file someone else removed or replaced is not ours to report.
    void removeSocketFile() {
        Path p = path();
        if (p != null) {
            try {
                java.nio.file.Files.deleteIfExists(p);
            } catch (java.io.IOException | SecurityException ignored) {
                // Nothing to do: the listener is closed either way.
            }
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof UnixAddress u && u.abstractName == abstractName && Arrays.equals(u.name, name);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(name) * 31 + (abstractName ? 1 : 0);
    }

    /// `/path/to.sock`, `@abstract-name` or `(unnamed)`, as in error messages.
    @Override
    public String toString() {
        return name.length == 0 ? "(unnamed)" : (abstractName ? "@" : "") + name();
    }
}
