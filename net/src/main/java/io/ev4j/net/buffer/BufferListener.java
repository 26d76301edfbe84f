package io.ev4j.net.buffer;

/// Told after each change of a [Buffer]'s contents.
///
/// ```java
/// buffer.addListener((b, originalLength, added, removed) ->
///         System.out.println(originalLength + " -> " + b.length()));
/// ```
///
/// Called once per changing operation (an append, a drain, a line read, a `readFrom`...),
/// after the change, on the thread that made it, never for an operation that changed
/// nothing. Reserving space is no change; committing it is.
@FunctionalInterface
public interface BufferListener {
    /// @param buffer         the buffer that changed
    /// @param originalLength its length before the operation
    /// @param added          bytes the operation added
    /// @param removed        bytes the operation removed
    void changed(Buffer buffer, long originalLength, long added, long removed);
}
