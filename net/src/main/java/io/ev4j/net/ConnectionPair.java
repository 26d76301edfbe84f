package io.ev4j.net;

import io.ev4j.core.Loop;
import io.ev4j.net.buffer.SegmentPool;

/// Two [BufferedConnection]s joined in the process, without sockets: what one writes appears
/// in the other's input, on one loop.
///
/// ```java
/// ConnectionPair pair = ConnectionPair.create(loop, pool, ConnectionOption.DEFER_CALLBACKS);
/// pair.second().setCallbacks(c -> System.out.println(c.input().readLine(EolStyle.LF, UTF_8)), null, null);
/// pair.second().enableReading();
/// pair.first().output().append("hello\n".getBytes(UTF_8));
/// ```
///
/// Bytes move (segments, no copy) when the writer has writing enabled and the reader has
/// reading enabled and room below its read high watermark; otherwise they wait in the
/// writer's output and move as soon as that changes. [BufferedConnection#finishOutput()] on one
/// end gives the other `READING|EOF` after its last byte; closing one end gives the other
/// `READING|EOF` at once (bytes still in the closed end's output are dropped, as a socket's
/// would be). Without [ConnectionOption#DEFER_CALLBACKS] a write runs the reader's read
/// callback inside the writing call, so two ends that answer each other recurse: use the
/// option for such protocols. Filters work on pair ends; rate limits apply to sockets only.
///
/// @param first  one end
/// @param second the other end
public record ConnectionPair(BufferedConnection first, BufferedConnection second) {

    /// Two joined ends with `options` (both on `pool`, whose segments move between them).
    public static ConnectionPair create(Loop loop, SegmentPool pool, ConnectionOption... options) {
        BufferedConnection a = new BufferedConnection(loop, pool, null, false, options);
        BufferedConnection b = new BufferedConnection(loop, pool, null, false, options);
        a.partner = b;
        b.partner = a;
        return new ConnectionPair(a, b);
    }
}
