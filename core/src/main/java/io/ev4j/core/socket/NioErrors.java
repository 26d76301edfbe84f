package io.ev4j.core.socket;

import io.ev4j.core.ErrnoException;
import io.ev4j.core.sys.linux.Errno;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;

/// Turns the JDK's socket exceptions into the ones native sockets throw, so that callers see
/// one contract: an [ErrnoException] naming call, address and errno when the JDK's message is
/// a known `strerror` text (its exception kept as the cause); else an [IOException] naming
/// call and address around it. [ClosedChannelException]s pass through unchanged.
final class NioErrors {
    private NioErrors() {
    }

    static IOException wrap(String call, String target, IOException e) {
        if (e instanceof ClosedChannelException || e instanceof ErrnoException) {
            return e;
        }
        int errno = Errno.forMessage(e.getMessage());
        if (errno == 0) {
            return new IOException(call + "(" + target + ") failed: " + e, e);
        }
        ErrnoException typed = Errno.exception(call, target, errno);
        typed.initCause(e);
        return typed;
    }
}
