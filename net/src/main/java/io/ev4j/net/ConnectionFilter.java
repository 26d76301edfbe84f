package io.ev4j.net;

import io.ev4j.net.buffer.Buffer;

/// Transforms the bytes of a [BufferedConnection] on their way in (socket to input) or out
/// (output to socket): compression, framing, encryption.
///
/// ```java
/// ConnectionFilter upper = (src, dst, dstLimit, mode) -> {
///     byte[] b = new byte[(int) Math.min(src.length(), dstLimit)];
///     src.read(b, 0, b.length);
///     for (int i = 0; i < b.length; i++) b[i] = (byte) Character.toUpperCase(b[i]);
///     dst.append(b);
///     return ConnectionFilter.Result.OK;
/// };
/// connection.setFilters(upper, null);      // upper-cases what is read, writes unchanged
/// ```
///
/// The connection calls [#filter] whenever bytes arrive in `src`, and again when room is made
/// in `dst` (the input drained below its high watermark), at a [BufferedConnection#flush],
/// and with [Mode#FINISHED] at end of stream. A filter takes what it can from `src`, leaves
/// the rest there for the next call, and should add no more than `dstLimit` bytes to `dst`
/// (a hint for backpressure). Runs on the loop thread; a filter that throws counts as
/// [Result#ERROR].
@FunctionalInterface
public interface ConnectionFilter {

    /// Why the filter is called.
    enum Mode {
        /// Bytes arrived; the filter may keep some back for a better result.
        NORMAL,
        /// Put out everything that can be put out now.
        FLUSH,
        /// No more bytes will come: put out everything and any trailer.
        FINISHED
    }

    /// What the filter did.
    enum Result {
        /// It made progress (or had nothing to do).
        OK,
        /// It needs more bytes in `src` before it can put anything out.
        NEED_MORE,
        /// The bytes are malformed: the connection reports [ConnectionEvents#ERROR].
        ERROR
    }

    /// Moves and transforms bytes from `src` into `dst` (both of the connection's pool).
    ///
    /// @param dstLimit at most this many bytes should be added to `dst` ([Long#MAX_VALUE]: no limit)
    Result filter(Buffer src, Buffer dst, long dstLimit, Mode mode);
}
