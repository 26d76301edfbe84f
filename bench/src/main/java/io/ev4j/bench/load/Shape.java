package io.ev4j.bench.load;

/// One echo workload: `connections` x `pipeline` messages of `sizeBytes` in flight.
///
/// ```java
/// Shape s = Shape.parse("10x16x512");   // 10 connections, 16 in flight each, 512 B messages
/// ```
public record Shape(int connections, int pipeline, int sizeBytes) {
    /// Bytes one connection has in flight at most; the load generator's write buffer holds it.
    public static final int MAX_IN_FLIGHT_BYTES = 1 << 20;

    public Shape {
        if (connections < 1 || pipeline < 1 || sizeBytes < 1) {
            throw new IllegalArgumentException("connections, pipeline and size must be >= 1, got "
                    + connections + "x" + pipeline + "x" + sizeBytes);
        }
        if ((long) pipeline * sizeBytes > MAX_IN_FLIGHT_BYTES) {
            throw new IllegalArgumentException("pipeline x size must be <= " + MAX_IN_FLIGHT_BYTES
                    + " bytes, got " + pipeline + "x" + sizeBytes);
        }
    }

    /// `CxPxS`, S in bytes or with a `K` suffix (KiB): `100x4x4K`.
    public static Shape parse(String text) {
        String[] parts = text.trim().split("x");
        if (parts.length != 3) {
            throw new IllegalArgumentException("a shape is connections x pipeline x size, like 100x1x64, got '"
                    + text + "'");
        }
        String size = parts[2].toUpperCase(java.util.Locale.ROOT);
        int bytes = size.endsWith("K")
                ? Integer.parseInt(size.substring(0, size.length() - 1)) * 1024
                : Integer.parseInt(size);
        return new Shape(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), bytes);
    }

    /// `100x4x4KiB`, `10x16x512B`.
    public String label() {
        String size = sizeBytes % 1024 == 0 ? sizeBytes / 1024 + "KiB" : sizeBytes + "B";
        return connections + "x" + pipeline + "x" + size;
    }

    /// The text [#parse] reads back.
    public String spec() {
        return connections + "x" + pipeline + "x" + sizeBytes;
    }
}
