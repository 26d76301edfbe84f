/// The backend SPI: the small interface between a loop and an OS readiness mechanism.
///
/// Implementations (epoll through FFM, java.nio's Selector) live in sub-packages that the
/// module does not export; `io.ev4j.core.Loop.Builder` picks one by name, or takes any
/// [io.ev4j.core.backend.Backend] an embedder writes. Depends on `java.base` only: backends
/// see slots, fds and masks, never watchers.
package io.ev4j.core.backend;
