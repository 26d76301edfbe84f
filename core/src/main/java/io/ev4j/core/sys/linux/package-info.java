/// Linux system calls through `java.lang.foreign`: the only package of ev4j that calls native code.
///
/// [io.ev4j.core.sys.linux.Syscalls] wraps each C function as a Java method that returns the
/// result or `-errno`; `Errno`, `EpollAbi` and `SockaddrAbi` hold the constants and struct
/// layouts, with the header each comes from. Internal, not API: it may change in any release.
package io.ev4j.core.sys.linux;
