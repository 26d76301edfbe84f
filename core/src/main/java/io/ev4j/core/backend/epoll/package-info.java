/// The `epoll` backend: level-triggered Linux epoll through FFM, woken by an eventfd.
///
/// Needs native access for this module (`--enable-native-access=io.ev4j.core`, or
/// `ALL-UNNAMED` on the class path); [io.ev4j.core.backend.epoll.EpollBackend#isSupported()]
/// says whether it can run here. Internal, not API: loops select it by name.
package io.ev4j.core.backend.epoll;
