package io.ev4j.net.buffer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

/// The array-backed deque of segments behind a [Buffer], with its cached length: the moves,
/// copies and lookups every operation shares, with no frozen-end checks and no listeners
/// (those are the [Buffer]'s).
///
/// Invariant: every segment holds at least one byte, except that the last may be an empty
/// pooled chunk (space reserved for appends).
final class SegmentChain {
    final SegmentPool pool;
    final FileWindow window;
    private Segment[] ring = new Segment[8];
    private int head;
    int count;
    long length;

    /// Where [#locate] left its answer: the segment's index and the offset inside it.
    int foundIndex;
    long foundOffset;
    /// End-of-line bytes after the line [BufferScan#findLine] found last.
    int eolLength;
    /// The first exception a release callback threw, for the operation to throw at its end.
    private RuntimeException releaseFailure;

    SegmentChain(SegmentPool pool) {
        this.pool = pool;
        this.window = new FileWindow(pool);
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

    // ---------------------------------------------------------------- releasing

    /// Unlinked segment `s` leaves the chain: back to the pool, then its release callback (a
    /// throw is kept for [#takeReleaseFailure()]).
    void release(Segment s) {
        Runnable callback = s.release;
        if (s.kind == Segment.FILE) {
            window.invalidate();
        }
        pool.release(s);
        if (callback != null) {
            try {
                callback.run();
            } catch (RuntimeException e) {
                if (releaseFailure == null) {
                    releaseFailure = e;
                } else {
                    releaseFailure.addSuppressed(e);
                }
            }
        }
    }

    RuntimeException takeReleaseFailure() {
        RuntimeException e = releaseFailure;
        releaseFailure = null;
        return e;
    }

    /// Releases every segment.
    void releaseAll() {
        while (count > 0) {
            release(removeLast());
        }
    }

    /// Drops the first `k` (<= length) bytes.
    void dropFront(long k) {
        long left = k;
        while (left > 0) {
            Segment s = first();
            long len = s.length();
            if (len <= left) {
                release(removeFirst());
                left -= len;
            } else {
                s.start += left;
                length -= left;
                left = 0;
            }
        }
    }

    // ---------------------------------------------------------------- linking and moving

    /// Links `s` last, first dropping an empty chunk at the tail so that only the last
    /// segment may be empty; an empty reference or file range is released instead.
    void linkLast(Segment s) {
        Segment tail = last();
        if (tail != null && tail.length() == 0) {
            release(removeLast());
        }
        if (s.length() == 0 && s.kind != Segment.OWNED) {
            release(s);
        } else {
            addLast(s);
        }
    }

    /// Moves all segments of `other` to the end of this chain.
    void appendAll(SegmentChain other) {
        while (other.count > 0) {
            linkLast(other.removeFirst());
        }
    }

    /// Moves all segments of `other` before this chain's first.
    void prependAll(SegmentChain other) {
        if (count == 1 && first().length() == 0 && other.count > 0) {
            release(removeFirst());
        }
        while (other.count > 0) {
            Segment s = other.removeLast();
            if (s.length() == 0) {
                release(s);
            } else {
                addFirst(s);
            }
        }
    }

    /// Moves the first `k` (<= length) bytes to the end of `dst`: whole segments as they are,
    /// the part of a segment cut in two by a copy.
    void moveFrontTo(SegmentChain dst, long k) {
        long left = k;
        while (left > 0 && first().length() <= left) {
            Segment s = removeFirst();
            left -= s.length();
            dst.linkLast(s);
        }
        long done = 0;
        while (done < left) {
            Segment tail = dst.writableTail();
            long m = Math.min(tail.writable(), left - done);
            copyRange(done, null, null, tail.memory, tail.end, m);
            tail.end += m;
            dst.length += m;
            done += m;
        }
        dropFront(left);
    }

    // ---------------------------------------------------------------- copying in

    /// The last segment if it is a pooled chunk with room, else a new empty chunk linked last.
    Segment writableTail() {
        Segment tail = last();
        if (tail != null && tail.writable() > 0) {
            return tail;
        }
        Segment s = pool.acquireChunk();
        addLast(s);
        return s;
    }

    /// Appends a copy of `n` bytes from `from` in exactly one of `array`, `buffer` (absolute
    /// index) or `segment`.
    void copyIn(byte[] array, ByteBuffer buffer, MemorySegment segment, long from, long n) {
        long done = 0;
        while (done < n) {
            Segment tail = writableTail();
            long k = Math.min(tail.writable(), n - done);
            long src = from + done;
            if (array != null) {
                MemorySegment.copy(array, (int) src, tail.memory, ValueLayout.JAVA_BYTE, tail.end, (int) k);
            } else if (buffer != null) {
                tail.view().put((int) tail.end, buffer, (int) src, (int) k);
            } else {
                MemorySegment.copy(segment, src, tail.memory, tail.end, k);
            }
            tail.end += k;
            length += k;
            done += k;
        }
    }

    /// Puts a copy of `n` bytes from `from` in `array` or `buffer` (absolute index) before the
    /// first byte: into the free space before the first chunk's data, then into new chunks
    /// filled from their ends.
    void copyInFront(byte[] array, ByteBuffer buffer, int from, int n) {
        int left = n;
        while (left > 0) {
            Segment h = first();
            if (h == null || h.kind != Segment.OWNED || h.start == 0 || h.length() == 0) {
                h = pool.acquireChunk();
                h.start = h.end = h.memory.byteSize();
                addFirst(h);
            }
            int k = (int) Math.min(h.start, left);
            long to = h.start - k;
            int src = from + left - k;
            if (array != null) {
                MemorySegment.copy(array, src, h.memory, ValueLayout.JAVA_BYTE, to, k);
            } else {
                h.view().put((int) to, buffer, src, k);
            }
            h.start = to;
            length += k;
            left -= k;
        }
    }

    // ---------------------------------------------------------------- reading

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
        window.fill(s, at);
        return window.memory().get(ValueLayout.JAVA_BYTE, window.index(at));
    }

    /// Copies `len` bytes from chain offset `offset` to exactly one of `array`, `buffer`
    /// (absolute index) or `segment`, at `dstOffset`. The caller has checked the bounds.
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
            boolean file = s.kind == Segment.FILE;
            if (file) {
                n = Math.min(n, window.fill(s, at));
            }
            MemorySegment src = file ? window.memory() : s.memory;
            long srcAt = file ? window.index(at) : at;
            long to = dstOffset + done;
            if (array != null) {
                MemorySegment.copy(src, ValueLayout.JAVA_BYTE, srcAt, array, (int) to, (int) n);
            } else if (buffer != null) {
                buffer.put((int) to, file ? window.view() : s.view(), (int) srcAt, (int) n);
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
}
