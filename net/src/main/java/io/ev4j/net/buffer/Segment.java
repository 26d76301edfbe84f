package io.ev4j.net.buffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/// One link of a [Buffer]'s chain: readable bytes `[start, end)` of a pooled chunk
/// ([#OWNED]), of memory the caller lent ([#EXTERNAL]), or of a file ([#FILE], where `start`
/// and `end` are file positions). Records are reused through their [SegmentPool]; a record
/// belongs to exactly one chain (or to the pool's free list) at a time.
final class Segment {
    static final byte OWNED = 0;
    static final byte EXTERNAL = 1;
    static final byte FILE = 2;

    byte kind;
    /// The chunk (OWNED, kept with the record for its whole life) or the lent memory (EXTERNAL).
    MemorySegment memory;
    /// The chunk's arena (OWNED only), closed when the pool frees the chunk.
    Arena arena;
    /// A view of [#memory] for channel I/O: created once per chunk, or once per reference.
    ByteBuffer view;
    long start;
    long end;
    /// Called once when an EXTERNAL or FILE segment leaves the last chain.
    Runnable release;
    /// The file's descriptor (FILE only).
    int fd = -1;

    long length() {
        return end - start;
    }

    /// Bytes that can still be appended in place: only a pooled chunk's tail.
    long writable() {
        return kind == OWNED ? memory.byteSize() - end : 0;
    }

    /// The view, cleared (position 0, limit = capacity).
    ByteBuffer view() {
        ByteBuffer v = view;
        if (v == null) {
            v = view = memory.asByteBuffer();
        }
        return v.clear();
    }
}
