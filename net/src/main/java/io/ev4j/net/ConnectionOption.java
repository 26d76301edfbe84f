package io.ev4j.net;

/// Choices made when a [BufferedConnection] is created.
///
/// ```java
/// var c = BufferedConnection.wrap(loop, pool, accepted, ConnectionOption.CLOSE_ON_FREE,
///         ConnectionOption.DEFER_CALLBACKS);
/// ```
public enum ConnectionOption {
    /// [BufferedConnection#close()] closes the socket too. Without it the caller keeps
    /// ownership of a socket it wrapped and must close it. A connection made by
    /// [BufferedConnection#connect] owns its socket and always closes it.
    CLOSE_ON_FREE,
    /// Callbacks never run from inside the connection's own methods or another callback: they
    /// are queued and run from the loop, one batch per connection per loop pass, so that two
    /// connections talking to each other (a [ConnectionPair], say) cannot recurse without
    /// bound. Read and write callbacks owed several times before they run are run once.
    DEFER_CALLBACKS
}
