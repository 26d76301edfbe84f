/// The reactor: a Loop, its watchers, the backend SPI, and non-blocking TCP sockets.
///
/// Only this module calls native code (through `java.lang.foreign`, in `io.ev4j.core.sys.linux`);
/// run with `--enable-native-access=io.ev4j.core` on the module path, or
/// `--enable-native-access=ALL-UNNAMED` on the class path.
module io.ev4j.core {
    exports io.ev4j.core;
    exports io.ev4j.core.backend;
    exports io.ev4j.core.socket;
}
