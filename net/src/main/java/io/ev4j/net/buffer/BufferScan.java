package io.ev4j.net.buffer;

/// Searching a [SegmentChain]: bytes, byte strings across segment boundaries, and line ends.
final class BufferScan {
    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte[] CRLF = {CR, LF};

    private BufferScan() {
    }

    /// The first index at or after `from` holding `b1` or `b2`; -1 if none.
    static long indexOf(SegmentChain c, byte b1, byte b2, long from) {
        if (from < 0) {
            throw new IllegalArgumentException("from must not be negative: " + from);
        }
        if (from >= c.length) {
            return -1;
        }
        c.locate(from);
        long pos = from - c.foundOffset;
        long inner = c.foundOffset;
        for (int i = c.foundIndex; i < c.count; i++) {
            Segment s = c.get(i);
            for (long at = s.start + inner; at < s.end; at++) {
                byte x = s.kind == Segment.FILE ? c.byteAt(s, at) : s.memory.get(java.lang.foreign.ValueLayout.JAVA_BYTE, at);
                if (x == b1 || x == b2) {
                    return pos + (at - s.start);
                }
            }
            pos += s.length();
            inner = 0;
        }
        return -1;
    }

    /// The first index at or after `from` where `needle` starts; -1 if none.
    static long indexOf(SegmentChain c, byte[] needle, long from) {
        if (from < 0) {
            throw new IllegalArgumentException("from must not be negative: " + from);
        }
        if (needle.length == 0) {
            return from <= c.length ? from : -1;
        }
        long last = c.length - needle.length;
        long p = from;
        while (p <= last) {
            p = indexOf(c, needle[0], needle[0], p);
            if (p < 0 || p > last) {
                return -1;
            }
            if (matchesAt(c, p, needle)) {
                return p;
            }
            p++;
        }
        return -1;
    }

    /// True if `needle` (which fits before the end) starts at index `p`.
    private static boolean matchesAt(SegmentChain c, long p, byte[] needle) {
        c.locate(p);
        int i = c.foundIndex;
        Segment s = c.get(i);
        long at = s.start + c.foundOffset;
        for (byte b : needle) {
            while (at == s.end) {
                s = c.get(++i);
                at = s.start;
            }
            if (c.byteAt(s, at) != b) {
                return false;
            }
            at++;
        }
        return true;
    }

    /// The length of the first complete line in `style`, with [SegmentChain#eolLength] set to
    /// the end-of-line bytes after it; -1 if there is no complete line.
    static long findLine(SegmentChain c, EolStyle style) {
        long p;
        switch (style) {
            case LF -> {
                p = indexOf(c, LF, LF, 0);
                c.eolLength = 1;
            }
            case NUL -> {
                p = indexOf(c, (byte) 0, (byte) 0, 0);
                c.eolLength = 1;
            }
            case CRLF_STRICT -> {
                p = indexOf(c, CRLF, 0);
                c.eolLength = 2;
            }
            case CRLF -> {
                p = indexOf(c, LF, LF, 0);
                c.eolLength = 1;
                if (p > 0 && byteAt(c, p - 1) == CR) {
                    p--;
                    c.eolLength = 2;
                }
            }
            case ANY -> {
                p = indexOf(c, CR, LF, 0);
                if (p >= 0) {
                    c.eolLength = runOfCrLf(c, p);
                }
            }
            default -> throw new IllegalArgumentException("unknown end-of-line style " + style);
        }
        return p;
    }

    private static byte byteAt(SegmentChain c, long index) {
        c.locate(index);
        Segment s = c.get(c.foundIndex);
        return c.byteAt(s, s.start + c.foundOffset);
    }

    /// How many CR or LF bytes follow one another from index `p`.
    private static int runOfCrLf(SegmentChain c, long p) {
        c.locate(p);
        int n = 0;
        for (int i = c.foundIndex; i < c.count; i++) {
            Segment s = c.get(i);
            for (long at = s.start + (i == c.foundIndex ? c.foundOffset : 0); at < s.end; at++) {
                byte x = c.byteAt(s, at);
                if (x != CR && x != LF) {
                    return n;
                }
                n++;
            }
        }
        return n;
    }
}
