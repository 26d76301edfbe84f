/// Byte buffers as plain data, with no loop: [io.ev4j.net.buffer.Buffer] is a chain of pooled
/// native memory segments owned by one party at a time.
package io.ev4j.net.buffer;
