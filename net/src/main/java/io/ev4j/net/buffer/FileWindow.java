package io.ev4j.net.buffer;

import io.ev4j.core.sys.linux.Errno;

import java.io.EOFException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/// One pooled chunk holding part of a file range, filled by `pread`: how a [Buffer] reads the
/// bytes of its FILE segments (to copy, search or send them down a channel) without a
/// mapping. Keyed by descriptor and position; forgotten whenever a FILE segment is released,
/// since its descriptor number may then be reused for another file.
final class FileWindow {
    private final SegmentPool pool;
    private Segment chunk;
    private int fd = -1;
    private long start;
    private long end;

    FileWindow(SegmentPool pool) {
        this.pool = pool;
    }

    /// Makes the window hold file position `at` of FILE segment `s`; returns how many bytes
    /// from `at` on it holds (at least 1).
    ///
    /// @throws UncheckedIOException `pread` failed, or the file ends before the range does
    long fill(Segment s, long at) {
        if (s.fd != fd || at < start || at >= end) {
            if (chunk == null) {
                chunk = pool.acquireChunk();
            }
            fd = -1;
            long want = Math.min(chunk.memory.byteSize(), s.end - at);
            long r;
            do {
                r = pool.vectorIo().pread(s.fd, chunk.memory.address(), want, at);
            } while (r == -Errno.EINTR);
            if (r < 0) {
                throw new UncheckedIOException(Errno.exception("pread", "fd " + s.fd, (int) -r));
            }
            if (r == 0) {
                throw new UncheckedIOException(new EOFException(
                        "file range of fd " + s.fd + " ends at " + s.end + " but the file ends at " + at));
            }
            fd = s.fd;
            start = at;
            end = at + r;
        }
        return end - at;
    }

    /// The window's memory; file position `at` (inside the window) is at [#index(long)].
    MemorySegment memory() {
        return chunk.memory;
    }

    /// A cleared view of the window's memory.
    ByteBuffer view() {
        return chunk.view();
    }

    long index(long at) {
        return at - start;
    }

    void invalidate() {
        fd = -1;
    }

    /// Returns the chunk to the pool.
    void release() {
        if (chunk != null) {
            pool.release(chunk);
            chunk = null;
            fd = -1;
        }
    }
}
