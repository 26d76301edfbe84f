package io.ev4j.core;

import java.io.IOException;

/// A system call failed: names the call, what it was applied to, and the `errno`.
///
/// ```java
/// try {
///     TcpSocket.connect(loop, address);
/// } catch (ErrnoException e) {
///     if (e.errnoName().equals("ECONNREFUSED")) retryLater();
/// }
/// ```
///
/// `EAGAIN`/`EWOULDBLOCK` never becomes an exception: calls that can find nothing to do
/// return a value that says so.
public final class ErrnoException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;
    private final String errnoName;

    /// @param call      the system call, as in its man page (`connect`, `epoll_ctl`)
    /// @param target    what it was applied to (an fd, an address), or null
    /// @param errno     the error number
    /// @param errnoName its symbolic name (`ECONNREFUSED`)
    /// @param message   its description (`Connection refused`)
    public ErrnoException(String call, String target, int errno, String errnoName, String message) {
        super(call + (target == null ? "" : "(" + target + ")") + " failed: " + errnoName
                + " (" + message + ", errno " + errno + ")");
        this.call = call;
        this.errno = errno;
        this.errnoName = errnoName;
    }

    /// The system call that failed, as named in its man page.
    public String call() {
        return call;
    }

    /// The error number.
    public int errno() {
        return errno;
    }

    /// The symbolic error name, such as `ECONNREFUSED`.
    public String errnoName() {
        return errnoName;
    }
}
