package io.ev4j.net.buffer;

import io.ev4j.core.sys.linux.Syscalls;
import io.ev4j.core.sys.linux.VectorIo;

import java.lang.foreign.Arena;
import java.nio.ByteBuffer;

/// Native memory chunks of one fixed size for [Buffer]s, with a bounded free list.
///
/// ```java
/// try (SegmentPool pool = new SegmentPool(16 * 1024, 256);
///      Buffer buffer = new Buffer(pool)) {
///     buffer.append("hello".getBytes(StandardCharsets.US_ASCII));
/// }
/// ```
///
/// - **One thread.** A pool and every buffer made from it are used by one thread at a time
///   (typically a loop's thread); nothing here is synchronized.
/// - Each chunk is allocated in an arena of its own (`Arena.ofShared()`), so a chunk can be
///   freed alone: a released chunk goes back to the free list, or is freed when the list
///   already holds `maxFreeChunks`.
/// - [#close()] frees the free list and marks the pool closed: chunks still in buffers are
///   freed as those buffers release them. [#outstanding()] counts segment records (chunks,
///   references, file ranges) handed out and not yet released, for leak checks.
/// - The pool also owns the `iovec` array its buffers' `readv`/`writev` calls fill
///   ([#MAX_IOVECS] entries), allocated on first use.
public final class SegmentPool implements AutoCloseable {
    /// Default chunk size: 16 KiB.
    public static final int DEFAULT_CHUNK_SIZE = 16 * 1024;
    /// Default bound of the free list.
    public static final int DEFAULT_MAX_FREE_CHUNKS = 256;
    /// The most chunks one `readv`/`writev` covers.
    public static final int MAX_IOVECS = 64;

    private final int chunkSize;
    private final int maxFreeChunks;
    private Segment[] freeChunks;
    private int freeChunkCount;
    private Segment[] freeRecords = new Segment[16];
    private int freeRecordCount;
    private long outstanding;
    private long chunksAllocated;
    private boolean closed;
    private VectorIo vectorIo;
    private Syscalls syscalls;
    private ByteBuffer[] views;

    /// A pool of [#DEFAULT_CHUNK_SIZE] chunks keeping up to [#DEFAULT_MAX_FREE_CHUNKS] free.
    public SegmentPool() {
        this(DEFAULT_CHUNK_SIZE, DEFAULT_MAX_FREE_CHUNKS);
    }

    /// @param chunkSize     bytes per chunk, at least 1 (small sizes are for tests)
    /// @param maxFreeChunks how many released chunks to keep for reuse, at least 0
    /// @throws IllegalArgumentException either is out of range
    public SegmentPool(int chunkSize, int maxFreeChunks) {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunkSize must be at least 1, got " + chunkSize);
        }
        if (maxFreeChunks < 0) {
            throw new IllegalArgumentException("maxFreeChunks must be at least 0, got " + maxFreeChunks);
        }
        this.chunkSize = chunkSize;
        this.maxFreeChunks = maxFreeChunks;
        this.freeChunks = new Segment[Math.min(maxFreeChunks, 16)];
    }

    /// Bytes per chunk.
    public int chunkSize() {
        return chunkSize;
    }

    /// Segment records handed to buffers and not yet released: 0 once every buffer is cleared.
    public long outstanding() {
        return outstanding;
    }

    /// Chunks of native memory currently allocated (in buffers or free).
    public long chunksAllocated() {
        return chunksAllocated;
    }

    /// Chunks on the free list.
    public int freeChunks() {
        return freeChunkCount;
    }

    /// True once [#close()] ran.
    public boolean isClosed() {
        return closed;
    }

    /// Frees the free list; chunks still in buffers are freed when released. Idempotent.
    @Override
    public void close() {
        closed = true;
        for (int i = 0; i < freeChunkCount; i++) {
            free(freeChunks[i]);
            freeChunks[i] = null;
        }
        freeChunkCount = 0;
    }

    VectorIo vectorIo() {
        VectorIo v = vectorIo;
        if (v == null) {
            v = vectorIo = new VectorIo(MAX_IOVECS);
        }
        return v;
    }

    Syscalls syscalls() {
        Syscalls s = syscalls;
        if (s == null) {
            s = syscalls = new Syscalls();
        }
        return s;
    }

    /// [#MAX_IOVECS] slots for the views a scattering read or gathering write passes.
    ByteBuffer[] views() {
        ByteBuffer[] v = views;
        if (v == null) {
            v = views = new ByteBuffer[MAX_IOVECS];
        }
        return v;
    }

    /// An empty OWNED segment (start = end = 0).
    Segment acquireChunk() {
        Segment s;
        if (freeChunkCount > 0) {
            s = freeChunks[--freeChunkCount];
            freeChunks[freeChunkCount] = null;
        } else {
            if (closed) {
                throw new IllegalStateException("segment pool is closed");
            }
            s = new Segment();
            s.kind = Segment.OWNED;
            s.arena = Arena.ofShared();
            s.memory = s.arena.allocate(chunkSize, 64);
            chunksAllocated++;
        }
        s.start = 0;
        s.end = 0;
        outstanding++;
        return s;
    }

    /// A record for an EXTERNAL or FILE segment, fields to be set by the caller.
    Segment acquireRecord(byte kind) {
        if (closed) {
            throw new IllegalStateException("segment pool is closed");
        }
        Segment s = freeRecordCount > 0 ? freeRecords[--freeRecordCount] : new Segment();
        freeRecords[freeRecordCount] = null;
        s.kind = kind;
        outstanding++;
        return s;
    }

    /// Takes a segment back; the caller has already run its release callback, if any.
    void release(Segment s) {
        outstanding--;
        if (s.kind == Segment.OWNED) {
            if (!closed && freeChunkCount < maxFreeChunks) {
                if (freeChunkCount == freeChunks.length) {
                    freeChunks = java.util.Arrays.copyOf(freeChunks, Math.min(maxFreeChunks, freeChunks.length * 2 + 1));
                }
                freeChunks[freeChunkCount++] = s;
            } else {
                free(s);
            }
            return;
        }
        s.memory = null;
        s.view = null;
        s.release = null;
        s.fd = -1;
        if (freeRecordCount == freeRecords.length) {
            freeRecords = java.util.Arrays.copyOf(freeRecords, freeRecords.length * 2);
        }
        freeRecords[freeRecordCount++] = s;
    }

    private void free(Segment s) {
        chunksAllocated--;
        s.view = null;
        s.memory = null;
        s.arena.close();
        s.arena = null;
    }
}
