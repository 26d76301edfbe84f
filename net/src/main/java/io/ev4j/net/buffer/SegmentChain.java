package io.ev4j.net.buffer;

import io.ev4j.core.sys.linux.Errno;
import io.ev4j.core.sys.linux.VectorIo;

import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

/// The array-backed deque of segments behind a [Buffer], with its cached length and the
/// read-only data access every operation shares: locating an offset, reading a byte, copying
/// a range out. File ranges are read through a window: one pooled chunk filled by `pread`.
///
/// Invariant: every segment holds at least one byte, except that the last may be an empty
/// pooled chunk (space reserved for appends).
final class SegmentChain {
    final SegmentPool pool;
    private Segment[] ring = new Segment[8];
    private int head;
    int count;
    long length;

    /// Where [#locate] left its answer: the segment's index and the offset inside it.
    int foundIndex;
    long foundOffset;
    /// End-of-line bytes after the line [BufferScan#findLine] found last.
    int eolLength;

    private Segment window;
    private int windowFd = -1;
    private long windowStart;
    private long windowEnd;

    SegmentChain(SegmentPool pool) {
        this.pool = pool;
    }

    Segment get(int i) {
        return ring[(head + i) & (ring.length - 1)];
    }

    Segment first() {
        return count == 0 ? null : ring[head];
    }

    Segment last() {
        return count == 0 ? null : get(count - 1);
    }

    void addLast(Segment s) {
        grow();
        ring[(head + count) & (ring.length - 1)] = s;
        count++;
        length += s.length();
    }

    void addFirst(Segment s) {
        grow();
        head = (head - 1) & (ring.length - 1);
        ring[head] = s;
        count++;
        length += s.length();
    }

    Segment removeFirst() {
        Segment s = ring[head];
        ring[head] = null;
        head = (head + 1) & (ring.length - 1);
        count--;
        length -= s.length();
        return s;
    }

    Segment removeLast() {
        int at = (head + count - 1) & (ring.length - 1);
        Segment s = ring[at];
        ring[at] = null;
        count--;
        length -= s.length();
        return s;
    }

    private void grow() {
        if (count == ring.length) {
            Segment[] bigger = new Segment[ring.length * 2];
            for (int i = 0; i < count; i++) {
                bigger[i] = get(i);
            }
            ring = bigger;
            head = 0;
        }
    }

    /// Finds the segment holding byte `offset` (< [#length]) into [#foundIndex] and
    /// [#foundOffset] (relative to the segment's `start`).
    void locate(long offset) {
        int i = 0;
        long left = offset;
        while (true) {
            long n = get(i).length();
            if (left < n) {
                foundIndex = i;
                foundOffset = left;
                return;
            }
            left -= n;
            i++;
        }
    }

    /// The byte at `at` inside segment `s` (absolute: between `s.start` and `s.end`).
    byte byteAt(Segment s, long at) {
        if (s.kind != Segment.FILE) {
            return s.memory.get(ValueLayout.JAVA_BYTE, at);
        }
        fillWindow(s, at);
        return window.memory.get(ValueLayout.JAVA_BYTE, at - windowStart);
    }

    /// Copies `len` bytes from chain offset `offset` to exactly one of `array`, `buffer` (absolute
    /// index) or `segment`, at `dstOffset`. The caller has checked the bounds.
    void copyRange(long offset, byte[] array, ByteBuffer buffer, MemorySegment segment, long dstOffset, long len) {
        if (len == 0) {
            return;
        }
        locate(offset);
        int i = foundIndex;
        long inner = foundOffset;
        long done = 0;
        while (done < len) {
            Segment s = get(i);
            long at = s.start + inner;
            long n = Math.min(s.end - at, len - done);
            MemorySegment src;
            long srcAt;
            if (s.kind == Segment.FILE) {
                fillWindow(s, at);
                n = Math.min(n, windowEnd - at);
                src = window.memory;
                srcAt = at - windowStart;
            } else {
                src = s.memory;
                srcAt = at;
            }
            long to = dstOffset + done;
            if (array != null) {
                MemorySegment.copy(src, ValueLayout.JAVA_BYTE, srcAt, array, (int) to, (int) n);
            } else if (buffer != null) {
                buffer.put((int) to, s.kind == Segment.FILE ? window.view() : s.view(), (int) srcAt, (int) n);
            } else {
                MemorySegment.copy(src, srcAt, segment, to, n);
            }
            done += n;
            inner += n;
            if (inner == s.length()) {
                i++;
                inner = 0;
            }
        }
    }

    /// Makes the window hold file position `at` of FILE segment `s`.
    private void fillWindow(Segment s, long at) {
        if (s.fd == windowFd && at >= windowStart && at < windowEnd) {
            return;
        }
        if (window == null) {
            window = pool.acquireChunk();
        }
        windowFd = -1;
        long want = Math.min(window.memory.byteSize(), s.end - at);
        long r;
        do {
            r = pool.vectorIo().pread(s.fd, window.memory.address(), want, at);
        } while (r == -Errno.EINTR);
        if (r < 0) {
            throw new UncheckedIOException(Errno.exception("pread", "fd " + s.fd, (int) -r));
        }
        if (r == 0) {
            throw new UncheckedIOException(new java.io.EOFException(
                    "file range of fd " + s.fd + " ends at " + s.end + " but the file ends at " + at));
        }
        windowFd = s.fd;
        windowStart = at;
        windowEnd = at + r;
    }

    /// Forgets the window's contents (a file segment was released: its fd may be reused).
    void invalidateWindow() {
        windowFd = -1;
    }

    /// Returns the window's chunk to the pool.
    void releaseWindow() {
        if (window != null) {
            pool.release(window);
            window = null;
            windowFd = -1;
        }
    }

    /// Loads FILE segment `s` from its start into the window, for writing to a channel: how
    /// many of its bytes are loaded, from [#windowView()]'s index [#windowIndex(long)] of `s.start`.
    int loadWindow(Segment s) {
        fillWindow(s, s.start);
        return (int) (windowEnd - s.start);
    }

    int windowIndex(long at) {
        return (int) (at - windowStart);
    }

    ByteBuffer windowView() {
        return window.view();
    }

    VectorIo vectorIo() {
        return pool.vectorIo();
    }
}
