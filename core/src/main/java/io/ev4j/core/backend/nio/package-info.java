/// The portable backend: [io.ev4j.core.backend.nio.SelectorBackend] drives a loop with a
/// `java.nio.channels.Selector`, so it runs wherever the JDK does.
///
/// It watches [java.nio.channels.SelectableChannel]s, never raw file descriptors. The package
/// is internal, not API; a loop picks this backend by the name `nio`.
package io.ev4j.core.backend.nio;
