/// The `poll` backend: Linux `poll(2)` (as `ppoll`, for nanosecond timeouts) through FFM, over a
/// dense array of `struct pollfd`, woken by an eventfd.
///
/// Needs native access for this module, like the epoll backend; never chosen by default, as
/// epoll scales better. Internal, not API: loops select it by name (`poll`).
package io.ev4j.core.backend.poll;
