package io.ev4j.core.socket;

/// A socket option that this backend, or this kind of socket, cannot set or read.
///
/// ```java
/// try {
///     TcpListener.listen(loop, address, 128, SocketOptions.NONE.withDeferAcceptSeconds(5));
/// } catch (UnsupportedSocketOptionException e) {
///     // e.option() == TCP_DEFER_ACCEPT, e.where() == "the nio backend"
/// }
/// ```
///
/// Thrown before any system call for that option is made; a socket being created is closed
/// again first, so nothing leaks.
public final class UnsupportedSocketOptionException extends UnsupportedOperationException {
    private static final long serialVersionUID = 1L;

    private final SocketOptions.Option option;
    private final String where;

    /// @param option the option
    /// @param where  what cannot take it: `the nio backend`, `a unix-domain socket`
    /// @param why    a hint for the user, or null
    public UnsupportedSocketOptionException(SocketOptions.Option option, String where, String why) {
        super(option + " is not supported on " + where + (why == null ? "" : ": " + why));
        this.option = option;
        this.where = where;
    }

    /// The option asked for.
    public SocketOptions.Option option() {
        return option;
    }

    /// What cannot take it, such as `the nio backend`.
    public String where() {
        return where;
    }
}
