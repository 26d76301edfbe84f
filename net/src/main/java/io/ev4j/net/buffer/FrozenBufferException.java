package io.ev4j.net.buffer;

/// An operation needed an end of a [Buffer] that [Buffer#freezeStart(boolean)] or
/// [Buffer#freezeEnd(boolean)] has frozen.
///
/// ```java
/// buffer.freezeEnd(true);
/// buffer.append(bytes);            // throws: "cannot append: the buffer's end is frozen"
/// ```
public final class FrozenBufferException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final boolean start;

    FrozenBufferException(String operation, boolean start) {
        super("cannot " + operation + ": the buffer's " + (start ? "start" : "end") + " is frozen");
        this.start = start;
    }

    /// True if the start was frozen, false if the end was.
    public boolean atStart() {
        return start;
    }
}
