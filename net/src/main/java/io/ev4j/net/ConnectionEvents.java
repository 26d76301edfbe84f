package io.ev4j.net;

/// The bits a [BufferedConnection]'s event callback receives: what happened, and on which side.
///
/// ```java
/// connection.setEventCallback((c, events) -> {
///     if (ConnectionEvents.has(events, ConnectionEvents.CONNECTED)) c.enableReading();
///     else if (ConnectionEvents.has(events, ConnectionEvents.EOF | ConnectionEvents.ERROR)) c.close();
/// });
/// ```
///
/// Plain `int` flags, so that an event costs no allocation. One of [#CONNECTED], [#EOF],
/// [#ERROR] or [#TIMEOUT] is set per call, with [#READING] or [#WRITING] saying which side it
/// concerns (a connect failure is [#ERROR] alone, or [#WRITING] | [#TIMEOUT] when the write
/// timeout ran out first).
public final class ConnectionEvents {
    private ConnectionEvents() {
    }

    /// The event concerns reading.
    public static final int READING = 0x01;
    /// The event concerns writing.
    public static final int WRITING = 0x02;
    /// The peer ended its stream (for reading); reading is disabled.
    public static final int EOF = 0x10;
    /// A call failed: [BufferedConnection#lastError()] tells why; reading and writing are
    /// disabled.
    public static final int ERROR = 0x20;
    /// The read or write inactivity timeout ran out; that side is disabled.
    public static final int TIMEOUT = 0x40;
    /// A connect finished.
    public static final int CONNECTED = 0x80;

    /// True if `events` holds any of the bits in `flags`.
    public static boolean has(int events, int flags) {
        return (events & flags) != 0;
    }

    /// A readable list of the bits in `events`, such as `READING|EOF`.
    public static String toString(int events) {
        StringBuilder s = new StringBuilder();
        append(s, events, READING, "READING");
        append(s, events, WRITING, "WRITING");
        append(s, events, EOF, "EOF");
        append(s, events, ERROR, "ERROR");
        append(s, events, TIMEOUT, "TIMEOUT");
        append(s, events, CONNECTED, "CONNECTED");
        int unknown = events & ~(READING | WRITING | EOF | ERROR | TIMEOUT | CONNECTED);
        if (unknown != 0) {
            s.append(s.isEmpty() ? "" : "|").append("0x").append(Integer.toHexString(unknown));
        }
        return s.isEmpty() ? "0" : s.toString();
    }

    private static void append(StringBuilder s, int events, int bit, String name) {
        if ((events & bit) != 0) {
            s.append(s.isEmpty() ? "" : "|").append(name);
        }
    }
}
